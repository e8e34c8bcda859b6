// The test service for the W3C Trace Context harness: `PORT=5000 npm start`, then point the
// harness at http://127.0.0.1:5000/test. PORT=0 picks a free port; the line printed says which.
import { instrument } from './instrument.js';
import { startService } from './service.js';

// The one place trace context comes from: it must run before the first request is served or sent.
instrument();

const port = Number(process.env.PORT ?? 5000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const service = await startService(port);
console.log(`w3c-service listening on ${service.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
