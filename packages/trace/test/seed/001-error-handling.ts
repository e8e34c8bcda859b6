// @ts-nocheck
import { start, end } from "@x/trace";

const spanId = start("operation");
end(spanId); // OK

try {
  end(spanId); // Throws: SpanNotFound
} catch (error) {
  console.error("Span already ended:", error.message);
}
