// @ts-nocheck
import { flush } from "@x/trace";
import { writeTextFile } from "./runtime-fs.js";

async function saveTracesToFile() {
  const spans = flush();
  const timestamp = new Date().toISOString();
  const filename = `traces-${timestamp}.json`;
  await writeTextFile(filename, JSON.stringify(spans, null, 2));
  console.log(`Saved ${spans.length} spans to ${filename}`);
}

// --- harness
export { saveTracesToFile };
