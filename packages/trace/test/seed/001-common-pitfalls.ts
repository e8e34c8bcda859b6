// @ts-nocheck
import { start, end } from "@x/trace";

// 1. Forgetting to call `end()` (the good way)
{
const spanId = start("operation");
try {
  // ... operation ...
} finally {
  end(spanId);
}
}

// 3. Reusing span IDs (the good way)
{
const spanId1 = start("operation1");
end(spanId1);

const spanId2 = start("operation2"); // New ID
end(spanId2);
}

// 4. Assuming zero overhead (the good way)
{
// Sample every 1000th iteration
for (let i = 0; i < 1000000; i++) {
  const shouldTrace = i % 1000 === 0;
  const spanId = shouldTrace ? start("hotLoop") : null;
  processItem(i);
  if (spanId) end(spanId);
}
}

// --- harness
function processItem(_i: number) {}
