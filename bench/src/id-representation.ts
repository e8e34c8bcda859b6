// Which id representation makes the recording hot path cheapest? Each case does what a tracer
// does per span: draw a trace id and a span id, build the handle, put the span in the live
// table, find it again from the handle (setAttribute) and take it out (endSpan).
// Run: pnpm --filter @x/bench ids
import { randomFillSync } from 'node:crypto';
import { createIdGenerator, hexToBytesInto } from '@x/tracer-core/internal';
import { nsPerOp } from './measure.js';

const ids = createIdGenerator();

function hexStrings(n: number, freeze: boolean): unknown {
  const live = new Map<string, { traceId: string }>();
  let found = 0;
  for (let i = 0; i < n; i++) {
    const traceId = ids.traceId();
    const spanId = ids.spanId();
    const handle = freeze ? Object.freeze({ traceId, spanId }) : { traceId, spanId };
    live.set(spanId, { traceId });
    if (live.get(handle.spanId)?.traceId === handle.traceId) found++;
    live.delete(handle.spanId);
  }
  return found;
}

const pool = Buffer.alloc(4096);
let position = pool.length;
function bufferHex(bytes: number): string {
  if (position + bytes > pool.length) {
    randomFillSync(pool);
    position = 0;
  }
  position += bytes;
  return pool.toString('hex', position - bytes, position);
}

function nodeBufferHex(n: number): unknown {
  const live = new Map<string, { traceId: string }>();
  let found = 0;
  for (let i = 0; i < n; i++) {
    const traceId = bufferHex(16);
    const spanId = bufferHex(8);
    const handle = { traceId, spanId };
    live.set(spanId, { traceId });
    if (live.get(handle.spanId)?.traceId === handle.traceId) found++;
    live.delete(handle.spanId);
  }
  return found;
}

const words = new Uint32Array(1024);
let wordPos = words.length;
function word(): number {
  if (wordPos === words.length) {
    globalThis.crypto.getRandomValues(words);
    wordPos = 0;
  }
  return words[wordPos++]!;
}

function bigints(n: number): unknown {
  const live = new Map<bigint, { traceId: bigint }>();
  let found = 0;
  for (let i = 0; i < n; i++) {
    const traceId = (BigInt(word()) << 96n) | (BigInt(word()) << 64n) | (BigInt(word()) << 32n) | BigInt(word());
    const spanId = (BigInt(word()) << 32n) | BigInt(word());
    const handle = { traceId, spanId };
    live.set(spanId, { traceId });
    if (live.get(handle.spanId)?.traceId === handle.traceId) found++;
    live.delete(handle.spanId);
  }
  return found;
}

function bytes(n: number): unknown {
  // Bytes cannot be a Map key by value: key by the span id's two 32-bit words packed in a string.
  const live = new Map<string, { traceId: Uint8Array }>();
  let found = 0;
  for (let i = 0; i < n; i++) {
    const traceId = new Uint8Array(16);
    const spanId = new Uint8Array(8);
    globalThis.crypto.getRandomValues(traceId);
    globalThis.crypto.getRandomValues(spanId);
    const handle = { traceId, spanId };
    const view = new DataView(spanId.buffer);
    const key = String.fromCharCode(view.getUint16(0), view.getUint16(2), view.getUint16(4), view.getUint16(6));
    live.set(key, { traceId });
    if (live.get(key)?.traceId === handle.traceId) found++;
    live.delete(key);
  }
  return found;
}

// What each representation costs again at export: hex for JSON, stdout and traceparent; bytes
// for protobuf.
const hexTrace = ids.traceId();
const hexSpan = ids.spanId();
const target = new Uint8Array(24);
function hexToWire(n: number): unknown {
  let x = 0;
  for (let i = 0; i < n; i++) {
    hexToBytesInto(hexTrace, target, 0);
    hexToBytesInto(hexSpan, target, 16);
    x += target[i & 15]!;
  }
  return x;
}
const bigTrace = BigInt(`0x${hexTrace}`);
const bigSpan = BigInt(`0x${hexSpan}`);
function bigintToWire(n: number): unknown {
  let x = 0;
  for (let i = 0; i < n; i++) {
    const view = new DataView(target.buffer);
    view.setBigUint64(0, bigTrace >> 64n);
    view.setBigUint64(8, BigInt.asUintN(64, bigTrace));
    view.setBigUint64(16, bigSpan);
    x += target[i & 15]!;
  }
  return x;
}
function bigintToHex(n: number): unknown {
  let x = 0;
  for (let i = 0; i < n; i++) {
    x += bigTrace.toString(16).padStart(32, '0').length + bigSpan.toString(16).padStart(16, '0').length;
  }
  return x;
}

const rows: [string, number][] = [
  ['hex strings, pooled crypto + fromCharCode (chosen)', nsPerOp((n) => hexStrings(n, false))],
  ['hex strings, frozen handle', nsPerOp((n) => hexStrings(n, true))],
  ['hex strings via Buffer#toString("hex")', nsPerOp(nodeBufferHex)],
  ['bigint pair', nsPerOp(bigints)],
  ['Uint8Array pair (fresh random bytes per id)', nsPerOp(bytes)],
  ['export: hex ids -> 24 wire bytes (protobuf)', nsPerOp(hexToWire)],
  ['export: bigint ids -> 24 wire bytes (protobuf)', nsPerOp(bigintToWire)],
  ['export: bigint ids -> hex (JSON, stdout, traceparent)', nsPerOp(bigintToHex)],
];
console.log(`Node ${process.version}; ns per span (draw ids, build handle, live-table set/get/delete), median of 7`);
for (const [name, ns] of rows) console.log(`${ns.toFixed(1).padStart(8)} ns  ${name}`);
