// @ts-nocheck
import { startSpan, finishSpan, recordEvent } from "@x/trace";

async function fetchWithRetry(url: string) {
  const span = await startSpan("fetchWithRetry", { attributes: { url } });

  try {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await recordEvent("attempt", { attemptNumber: attempt });
        const response = await fetch(url);
        await recordEvent("success", { status: response.status });
        return response;
      } catch (e) {
        await recordEvent("error", { error: e.message, attempt });
        if (attempt === 3) throw e;
      }
    }
  } finally {
    await finishSpan(span);
  }
}

// --- harness
export { fetchWithRetry };
