/**
 * The OpenTelemetry member of a W3C `tracestate` (`ot=th:fd70a;rv:...`): read its threshold and
 * randomness, write or erase its threshold. Sub-keys are `key:value`, separated by `;`; a member
 * that is changed moves to the front of the list, as W3C Trace Context asks, and the list keeps
 * at most 32 members (the rightmost go first).
 */
import { parseRandomness, parseThreshold, randomnessOfTraceId, type Bits56, type Threshold } from './threshold.js';

const MAX_MEMBERS = 32;
const OT = 'ot';

/** What the `ot` member says about sampling. */
export interface OtSampling {
  readonly threshold: Threshold | undefined;
  readonly randomness: Bits56 | undefined;
}

const NOTHING: OtSampling = Object.freeze({ threshold: undefined, randomness: undefined });

function trimOws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** The members of a tracestate, trimmed, empty ones left out. */
function membersOf(traceState: string): string[] {
  const members: string[] = [];
  for (const raw of traceState.split(',')) {
    const member = trimOws(raw);
    if (member !== '') members.push(member);
  }
  return members;
}

function otValueOf(member: string): string | undefined {
  return member.startsWith('ot=') ? member.slice(3) : undefined;
}

/** The value of sub-key `key` in an `ot` value, or undefined. */
function subKey(value: string, key: string): string | undefined {
  for (const item of value.split(';')) {
    if (item.startsWith(`${key}:`)) return item.slice(key.length + 1);
  }
  return undefined;
}

/** Threshold and randomness from `traceState`'s `ot` member; malformed values count as absent. */
export function readOtSampling(traceState: string | undefined): OtSampling {
  if (traceState === undefined || !traceState.includes('ot=')) return NOTHING;
  for (const member of membersOf(traceState)) {
    const value = otValueOf(member);
    if (value === undefined) continue;
    const th = subKey(value, 'th');
    const rv = subKey(value, 'rv');
    return {
      threshold: th === undefined ? undefined : parseThreshold(th),
      randomness: rv === undefined ? undefined : parseRandomness(rv),
    };
  }
  return NOTHING;
}

/**
 * `traceState` with the `ot` member's `th` set to `th` (undefined: erased). The `ot` member moves
 * to the front; other members and other `ot` sub-keys are kept. Unchanged input gives the same string.
 */
export function withThreshold(traceState: string | undefined, th: string | undefined): string {
  const text = traceState ?? '';
  const members = membersOf(text);
  const at = members.findIndex((member) => otValueOf(member) !== undefined);
  const items = at < 0 ? [] : otValueOf(members[at]!)!.split(';').filter((item) => item !== '');
  const current = items.findIndex((item) => item.startsWith('th:'));
  if (th === undefined && current < 0) return text;
  if (th !== undefined && current >= 0 && items[current] === `th:${th}` && at === 0) return text;
  if (current >= 0) items.splice(current, 1);
  if (th !== undefined) items.unshift(`th:${th}`);
  if (at >= 0) members.splice(at, 1);
  if (items.length > 0) members.unshift(`${OT}=${items.join(';')}`);
  return members.slice(0, MAX_MEMBERS).join(',');
}

/**
 * {@link withThreshold} for one threshold, remembering answers: for no tracestate (most roots and
 * children), and for the last other input (the spans of a trace carry the same string), so most
 * calls are a comparison.
 */
export class ThresholdWriter {
  readonly #th: string | undefined;
  readonly #forNone: string;
  // null: nothing written yet (undefined is an input).
  #lastIn: string | null = null;
  #lastOut = '';

  /** `th` undefined: the writer erases thresholds. */
  constructor(th: string | undefined) {
    this.#th = th;
    this.#forNone = withThreshold('', th);
  }

  write(traceState: string | undefined): string {
    if (traceState === undefined || traceState === '') return this.#forNone;
    if (traceState === this.#lastIn) return this.#lastOut;
    const out = withThreshold(traceState, this.#th);
    this.#lastIn = traceState;
    this.#lastOut = out;
    return out;
  }
}

/**
 * The randomness of a trace: the `rv` of its tracestate's `ot` member when there is one, else the
 * low 56 bits of its trace id (32 hex characters). Undefined for a malformed trace id.
 */
export function traceRandomness(traceState: string | undefined, traceId: string): Bits56 | undefined {
  return readOtSampling(traceState).randomness ?? randomnessOfTraceId(traceId);
}
