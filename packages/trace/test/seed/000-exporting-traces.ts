// @ts-nocheck
import { exportRecords, clear } from "@x/trace";

async function flushTraces() {
  const records = await exportRecords();

  for (const record of records) {
    console.log(`${record.name}: ${record.duration_ms}ms`);
    for (const event of record.events) {
      console.log(`  - ${event.name}`);
    }
  }

  // Clear after export
  await clear();
}

// --- harness
export { flushTraces };
