// Serves the test traces for a look by hand, after a build of the viewer:
// node --conditions=source --import tsx packages/trace-viewer/test/support/serve-fixture.ts [port]
import { startTraceFixture } from './trace-fixture.ts';

const fixture = await startTraceFixture(Number(process.argv[2] ?? 4319));
console.log(`test traces at ${fixture.server.url}/search`);
