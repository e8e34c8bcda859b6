// @ts-nocheck
import { flush } from "@x/trace";

// Export spans every 60 seconds
setInterval(() => {
  const spans = flush();
  if (spans.length > 0) {
    console.log(`Exporting ${spans.length} spans`);
    // Send to backend, write to file, etc.
  }
}, 60000);
