// @ts-nocheck
import { start, end } from "@x/trace";

async function fetchUser(id: number) {
  const spanId = start("fetchUser", { userId: id });

  try {
    const response = await fetch(`/api/users/${id}`);
    const user = await response.json();
    return end(spanId, { status: response.status });
  } catch (error) {
    return end(spanId, { error: error.message });
  }
}

// Outputs SpanRecord: { id, name, started_at, duration_ms, attributes, result }

// --- harness
export { fetchUser };
