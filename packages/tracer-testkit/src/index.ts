export {
  checkConformance,
  runCheck,
  type ConformanceOptions,
  type ConformanceReport,
  type ExportedSpan,
  type PluginFactory,
} from './conformance.js';
export { CHECK_NAMES, CheckFailure, type CheckContext } from './checks.js';
export { GARBAGE, FOREIGN_HANDLES, SCOPES } from './garbage.js';
export { fuzzPlugin, type FuzzOptions, type FuzzReport } from './fuzz.js';
export { wrapPlugin } from './wrap-plugin.js';
