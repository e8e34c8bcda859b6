// @ts-nocheck
import { start, end, flush } from "@x/trace";

function processItems(items: any[]) {
  const spanId = start("processItems", { count: items.length });

  for (const item of items) {
    // process item
  }

  const record = end(spanId, { processed: items.length });
  console.log(`Processed ${items.length} items in ${record.duration_ms}ms`);
}

// Later: dump all traces
function dumpTraces() {
  const spans = flush();
  console.log("\n=== Trace Report ===");
  for (const span of spans) {
    console.log(`${span.name}: ${span.duration_ms.toFixed(2)}ms`);
    if (span.attributes) {
      console.log(`  Attributes:`, span.attributes);
    }
    if (span.result) {
      console.log(`  Result:`, span.result);
    }
  }
}

// --- harness
export { processItems, dumpTraces };
