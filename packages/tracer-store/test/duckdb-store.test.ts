import { describeTraceStore } from './support/store-suite.js';
import { duckdb } from './support/engines.js';

describeTraceStore(duckdb);
