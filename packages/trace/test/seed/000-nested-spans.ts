// @ts-nocheck
import { startSpan, finishSpan } from "@x/trace";

async function handleRequest(req: Request) {
  const requestSpan = await startSpan("handleRequest", {
    attributes: { method: req.method, path: req.url }
  });

  try {
    // Parse body
    const parseSpan = await startSpan("parseBody", { parent: requestSpan });
    const body = await req.json();
    await finishSpan(parseSpan);

    // Process
    const processSpan = await startSpan("processRequest", { parent: requestSpan });
    const result = await process(body);
    await finishSpan(processSpan);

    return result;
  } finally {
    await finishSpan(requestSpan);
  }
}

// --- harness
async function process(body: { items: number[] }) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return { total: body.items.reduce((sum, n) => sum + n, 0) };
}
export { handleRequest };
