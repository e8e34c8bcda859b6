// @ts-nocheck
import { flush } from "@x/trace";

async function exportToBackend() {
  const spans = flush();
  if (spans.length > 0) {
    await fetch("https://tracing.example.com/api/traces", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(spans)
    });
  }
}

// Export every minute
setInterval(exportToBackend, 60000);

// --- harness
export { exportToBackend };
