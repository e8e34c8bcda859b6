// The constraints of zipkin2-api.yaml (openzipkin/zipkin-api) on a `POST /api/v2/spans` JSON body,
// transcribed by hand so that tests check the tracer against the spec, not against itself. A bit
// stricter where the spec says what it means in prose: 16 or 32 hex digits for a trace id, no
// port 0, no null for an absent field, no field the spec does not define.
import { isIPv4, isIPv6 } from 'node:net';

const SPAN_FIELDS = new Set(['traceId', 'id', 'parentId', 'name', 'kind', 'timestamp', 'duration', 'debug', 'shared', 'localEndpoint', 'remoteEndpoint', 'annotations', 'tags']);
const ENDPOINT_FIELDS = new Set(['serviceName', 'ipv4', 'ipv6', 'port']);
const KINDS = new Set(['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER']);
const HEX16 = /^[a-f0-9]{16}$/;
const TRACE_ID = /^(?:[a-f0-9]{16}|[a-f0-9]{32})$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInt64 = (value: unknown): value is number => Number.isSafeInteger(value);

function endpointProblems(where: string, value: unknown): string[] {
  if (!isObject(value)) return [`${where} must be an object`];
  const problems = Object.keys(value).filter((k) => !ENDPOINT_FIELDS.has(k)).map((k) => `${where}.${k} is not an Endpoint field`);
  if ('serviceName' in value && typeof value.serviceName !== 'string') problems.push(`${where}.serviceName must be a string`);
  if ('ipv4' in value && !(typeof value.ipv4 === 'string' && isIPv4(value.ipv4))) problems.push(`${where}.ipv4 must be an IPv4 address`);
  if ('ipv6' in value && !(typeof value.ipv6 === 'string' && isIPv6(value.ipv6))) problems.push(`${where}.ipv6 must be an IPv6 address`);
  if ('port' in value && !(Number.isInteger(value.port) && (value.port as number) >= 1 && (value.port as number) <= 65535)) problems.push(`${where}.port must be 1-65535`);
  return problems;
}

function spanProblems(where: string, span: unknown): string[] {
  if (!isObject(span)) return [`${where} must be an object`];
  const problems = Object.keys(span).filter((k) => !SPAN_FIELDS.has(k)).map((k) => `${where}.${k} is not a Span field`);
  if (typeof span.traceId !== 'string' || !TRACE_ID.test(span.traceId)) problems.push(`${where}.traceId must be 16 or 32 lowercase hex digits`);
  if (typeof span.id !== 'string' || !HEX16.test(span.id)) problems.push(`${where}.id must be 16 lowercase hex digits`);
  if ('parentId' in span && !(typeof span.parentId === 'string' && HEX16.test(span.parentId))) problems.push(`${where}.parentId must be 16 lowercase hex digits`);
  if ('name' in span && typeof span.name !== 'string') problems.push(`${where}.name must be a string`);
  if ('kind' in span && !KINDS.has(span.kind as string)) problems.push(`${where}.kind must be CLIENT, SERVER, PRODUCER or CONSUMER`);
  if ('timestamp' in span && !(isInt64(span.timestamp) && span.timestamp > 0)) problems.push(`${where}.timestamp must be epoch microseconds`);
  if ('duration' in span && !(isInt64(span.duration) && span.duration >= 1)) problems.push(`${where}.duration must be an integer >= 1`);
  for (const flag of ['debug', 'shared']) if (flag in span && typeof span[flag] !== 'boolean') problems.push(`${where}.${flag} must be a boolean`);
  for (const side of ['localEndpoint', 'remoteEndpoint']) if (side in span) problems.push(...endpointProblems(`${where}.${side}`, span[side]));
  if ('annotations' in span) {
    if (!Array.isArray(span.annotations)) problems.push(`${where}.annotations must be an array`);
    else {
      const seen = new Set<string>();
      span.annotations.forEach((a: unknown, i) => {
        if (!isObject(a) || Object.keys(a).some((k) => k !== 'timestamp' && k !== 'value')) problems.push(`${where}.annotations[${i}] must be { timestamp, value }`);
        else if (!isInt64(a.timestamp) || typeof a.value !== 'string') problems.push(`${where}.annotations[${i}] needs an int64 timestamp and a string value`);
        const key = JSON.stringify(a);
        if (seen.has(key)) problems.push(`${where}.annotations[${i}] repeats an item (uniqueItems)`);
        seen.add(key);
      });
    }
  }
  if ('tags' in span) {
    if (!isObject(span.tags)) problems.push(`${where}.tags must be an object`);
    else for (const [key, value] of Object.entries(span.tags)) if (typeof value !== 'string') problems.push(`${where}.tags[${JSON.stringify(key)}] must be a string`);
  }
  return problems;
}

/** What is wrong with a `ListOfSpans` body under zipkin2-api.yaml; empty when it is valid. */
export function listOfSpansProblems(body: unknown): string[] {
  if (!Array.isArray(body)) return ['the body must be a JSON array of spans (ListOfSpans)'];
  return body.flatMap((span, i) => spanProblems(`[${i}]`, span));
}
