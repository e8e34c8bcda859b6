import {
  spanKindName,
  SpanStatusCode,
  type AttributeList,
  type AttributeValue,
  type FinishedSpan,
  type InstrumentationScope,
} from '@x/tracer-core';
import { visible } from './escape.js';

/** How pretty output looks and how long children wait for their root. */
export interface PrettyOptions {
  readonly color: boolean;
  /** How long spans wait for their trace's local root before they are printed without it. */
  readonly orphanTimeoutMillis: number;
  /** Characters in the waterfall bar. */
  readonly barWidth: number;
}

/** Formats a batch; spans of traces whose root has not ended come back as `deferred`. */
export type BatchFormatter = (batch: readonly FinishedSpan[], flushing: boolean) => { text: string; deferred: FinishedSpan[] };

const KEY_ATTRIBUTES = [
  'http.request.method',
  'http.route',
  'url.path',
  'url.full',
  'http.response.status_code',
  'server.address',
  'db.system',
  'db.operation.name',
  'db.query.text',
  'rpc.method',
  'messaging.destination.name',
  'error.type',
  'exception.message',
];
const MAX_ATTRIBUTES_SHOWN = 4;
const MAX_VALUE_CHARS = 48;
const MAX_NAME_COLUMN = 44;

interface Palette {
  dim(text: string): string;
  error(text: string): string;
  bar(text: string): string;
  bold(text: string): string;
}

const ansi = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const COLORS: Palette = { dim: ansi('2'), error: ansi('31'), bar: ansi('36'), bold: ansi('1') };
const PLAIN: Palette = { dim: (t) => t, error: (t) => t, bar: (t) => t, bold: (t) => t };

const isLocalRoot = (span: FinishedSpan) => span.parentSpanId === '' || span.parentIsRemote;
const byStart = (a: FinishedSpan, b: FinishedSpan) => a.startTime - b.startTime;

/** A duration in nanoseconds, readable: µs below 1 ms, s from 1 s. */
export function formatDuration(nanos: number): string {
  if (nanos < 1e6) return `${(nanos / 1e3).toFixed(1)} µs`;
  if (nanos < 1e9) return `${(nanos / 1e6).toFixed(2)} ms`;
  return `${(nanos / 1e9).toFixed(2)} s`;
}

function shortValue(value: AttributeValue): string {
  const text = Array.isArray(value) ? `[${value.map(String).join(',')}]` : String(value);
  const cut = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
  return visible(cut);
}

/** Up to four attributes, well-known keys first, as `key=value`. */
function keyAttributes(list: AttributeList): string {
  const chosen: number[] = [];
  for (const key of KEY_ATTRIBUTES) {
    for (let i = 0; i < list.length && chosen.length < MAX_ATTRIBUTES_SHOWN; i += 2) if (list[i] === key) chosen.push(i);
  }
  for (let i = 0; i < list.length && chosen.length < MAX_ATTRIBUTES_SHOWN; i += 2) if (!chosen.includes(i)) chosen.push(i);
  const shown = chosen.map((i) => `${visible(list[i] as string)}=${shortValue(list[i + 1] as AttributeValue)}`);
  const hidden = list.length / 2 - shown.length;
  return shown.join(' ') + (hidden > 0 ? ` +${hidden}` : '');
}

function waterfall(span: FinishedSpan, start: number, range: number, width: number): string {
  const from = range <= 0 ? 0 : Math.min(width - 1, Math.floor(((span.startTime - start) / range) * width));
  const to = range <= 0 ? width : Math.max(from + 1, Math.min(width, Math.ceil(((span.endTime - start) / range) * width)));
  return '·'.repeat(from) + '█'.repeat(to - from) + '·'.repeat(width - to);
}

const sameScope = (a: InstrumentationScope | undefined, b: InstrumentationScope | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.name === b.name && (a.version || '') === (b.version || ''));

/**
 * ` [name@version]` when a span's scope differs from its parent's, else '': a trace then names each
 * library once, where its spans begin, instead of on every line.
 */
function scopeTag(scope: InstrumentationScope | undefined, parentScope: InstrumentationScope | undefined): string {
  if (scope === undefined || sameScope(scope, parentScope)) return '';
  return ` [${visible(scope.name)}${scope.version ? `@${visible(scope.version)}` : ''}]`;
}

interface Row {
  /** Tree glyphs and the name. */
  readonly left: string;
  /** The scope tag after the name (see {@link scopeTag}), or ''. */
  readonly tag: string;
  readonly span: FinishedSpan;
  readonly below: string;
  readonly note: string;
}

function renderTrace(traceId: string, spans: readonly FinishedSpan[], options: PrettyOptions, paint: Palette): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, FinishedSpan[]>();
  const tops: FinishedSpan[] = [];
  for (const span of spans) {
    if (isLocalRoot(span) || !ids.has(span.parentSpanId)) tops.push(span);
    else {
      const siblings = children.get(span.parentSpanId);
      if (siblings === undefined) children.set(span.parentSpanId, [span]);
      else siblings.push(span);
    }
  }
  tops.sort((a, b) => Number(isLocalRoot(b)) - Number(isLocalRoot(a)) || byStart(a, b));
  let start = Infinity;
  let end = -Infinity;
  for (const span of spans) {
    start = Math.min(start, span.startTime);
    end = Math.max(end, span.endTime);
  }

  const rows: Row[] = [];
  const walk = (span: FinishedSpan, parentScope: InstrumentationScope | undefined, lead: string, glyph: string, below: string, note: string) => {
    rows.push({ left: lead + glyph + visible(span.name), tag: scopeTag(span.scope, parentScope), span, below: lead + below, note });
    const kids = (children.get(span.spanId) ?? []).sort(byStart);
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1;
      walk(kid, span.scope, lead + below, last ? '└─ ' : '├─ ', last ? '   ' : '│  ', '');
    });
  };
  for (const top of tops) {
    const note = isLocalRoot(top) ? (top.parentIsRemote ? `remote parent ${top.parentSpanId}` : '') : `parent ${top.parentSpanId} not seen`;
    walk(top, undefined, '', '', '', note);
  }

  const nameWidth = Math.min(MAX_NAME_COLUMN, Math.max(...rows.map((r) => r.left.length + r.tag.length)));
  const root = tops[0]!;
  const complete = isLocalRoot(root);
  let out =
    `${paint.bold(`● ${visible(root.name)}`)}  ${paint.dim(`trace ${traceId}`)}  ${formatDuration(end - start)}  ` +
    `${spans.length} span${spans.length === 1 ? '' : 's'}${complete ? '' : paint.dim('  (local root not ended yet)')}\n`;
  for (const { left, tag, span, below, note } of rows) {
    const failed = span.status.code === SpanStatusCode.ERROR;
    const cell = left + tag;
    const fitted = cell.length > nameWidth ? `${cell.slice(0, nameWidth - 1)}…` : cell.padEnd(nameWidth);
    // The name as before; what follows it (the tag, if any, and the padding) dim.
    const named = fitted.slice(0, left.length);
    const after = fitted.slice(left.length);
    const name = (failed ? paint.error(named) : named) + (tag === '' || after === '' ? after : paint.dim(after));
    const bar = paint.bar(waterfall(span, start, end - start, options.barWidth));
    const status = failed ? paint.error(`  ✗ ERROR${span.status.message ? `: ${visible(span.status.message)}` : ''}`) : '';
    const attributes = keyAttributes(span.attributes);
    out +=
      `  ${name}  ${spanKindName(span.kind).padEnd(8)} ${formatDuration(span.endTime - span.startTime).padStart(10)}  ` +
      `${bar}${attributes ? `  ${paint.dim(attributes)}` : ''}${status}${note ? paint.dim(`  (${note})`) : ''}\n`;
    for (const event of span.events) {
      const offset = formatDuration(Math.max(0, event.time - span.startTime));
      const eventAttributes = keyAttributes(event.attributes);
      out += `  ${paint.dim(`${below}  • ${visible(event.name)} +${offset}${eventAttributes ? ` ${eventAttributes}` : ''}`)}\n`;
    }
  }
  return `${out}\n`;
}

/**
 * Pretty output: each trace as a tree once its local root (a span with no parent, or a remote
 * parent) has ended; children in start order with durations, a waterfall bar over the trace's time
 * range, key attributes, events, error spans marked, and a span's scope (dim, after its name) where it
 * differs from its parent's. Spans whose root has not ended wait
 * (deferred) up to `orphanTimeoutMillis`, and are printed without it after that, or at any flush.
 */
export function createPrettyFormatter(options: PrettyOptions): BatchFormatter {
  const paint = options.color ? COLORS : PLAIN;
  const firstSeen = new WeakMap<FinishedSpan, number>();
  return (batch, flushing) => {
    const now = performance.now();
    const traces = new Map<string, FinishedSpan[]>();
    for (const span of batch) {
      if (!firstSeen.has(span)) firstSeen.set(span, now);
      const spans = traces.get(span.traceId);
      if (spans === undefined) traces.set(span.traceId, [span]);
      else spans.push(span);
    }
    let text = '';
    const deferred: FinishedSpan[] = [];
    for (const [traceId, spans] of traces) {
      if (!flushing && !spans.some(isLocalRoot)) {
        const oldest = Math.min(...spans.map((s) => firstSeen.get(s)!));
        if (now - oldest < options.orphanTimeoutMillis) {
          deferred.push(...spans);
          continue;
        }
      }
      text += renderTrace(traceId, spans, options, paint);
    }
    return { text, deferred };
  };
}
