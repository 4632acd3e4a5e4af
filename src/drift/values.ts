import type { FactRow, FactValue } from '../collectors/types.js';
import type { AttributeValue } from '../events/types.js';

/**
 * Fact values as drift compares, stores and shows them. Three states that JSON would
 * fold together stay distinct:
 * - unlimited: +Infinity (an rlimit, a pam limit of "unlimited");
 * - unknown: NaN (could not be read);
 * - absent: null or a missing column.
 * A baseline saved and loaded again compares equal to the rows it was made of.
 */

type Encoded = string | number | boolean | null | { $: 'inf' | '-inf' | 'unknown' };

const TAGS: Record<string, number> = { inf: Infinity, '-inf': -Infinity, unknown: NaN };

export function encodeValue(v: FactValue | undefined): Encoded {
  if (typeof v === 'number' && !Number.isFinite(v)) return { $: Number.isNaN(v) ? 'unknown' : v > 0 ? 'inf' : '-inf' };
  return v ?? null;
}

/** The stored form back, or undefined when it is not one this module writes. */
export function decodeValue(v: unknown): FactValue | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v as object);
    const tag = (v as { $?: unknown }).$;
    if (keys.length === 1 && typeof tag === 'string' && tag in TAGS) return TAGS[tag];
  }
  return undefined;
}

export function encodeRow(row: FactRow): Record<string, Encoded> {
  const out: Record<string, Encoded> = {};
  for (const [k, v] of Object.entries(row)) out[k] = encodeValue(v);
  return out;
}

/** A stored row back, or a string saying what is wrong with it. */
export function decodeRow(raw: unknown): FactRow | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'a row is not an object';
  const row: FactRow = {};
  for (const [k, v] of Object.entries(raw)) {
    const d = decodeValue(v);
    if (d === undefined) return `column "${k}" holds ${JSON.stringify(v)?.slice(0, 40)}, not a fact value`;
    row[k] = d;
  }
  return row;
}

/** Equality of fact values: absent equals absent (null or missing), unknown equals unknown. */
export function sameValue(a: FactValue | undefined, b: FactValue | undefined): boolean {
  return Object.is(a ?? null, b ?? null) || (a ?? null) === (b ?? null);
}

/** How a value reads in a sentence. */
export function describeValue(v: FactValue | undefined): string {
  if (v === null || v === undefined) return 'absent';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'unknown';
    if (v === Infinity) return 'unlimited';
    if (v === -Infinity) return '-unlimited';
  }
  return String(v);
}

/** A value as an OTLP attribute; absent is left out (OTLP maps have no null). */
export function attributeOf(v: FactValue | undefined): AttributeValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' && !Number.isFinite(v)) return describeValue(v);
  return v;
}

/** Selected columns of a row as an attribute map, absent ones left out. */
export function attributeMap(row: FactRow, columns: string[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const c of columns) {
    const v = attributeOf(row[c]);
    if (v !== undefined) out[c] = v;
  }
  return out;
}
