// @ts-nocheck
import { startSpan, finishSpan } from "@x/trace";

async function processData(data: any[]) {
  const span = await startSpan("processData");

  try {
    // Do work...
    for (const item of data) {
      await processItem(item);
    }
  } finally {
    await finishSpan(span);
  }
}

// --- harness
export const processed: unknown[] = [];
async function processItem(item: unknown) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  processed.push(item);
}
export { processData };
