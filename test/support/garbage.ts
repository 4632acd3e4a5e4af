/** Seeds every "garbage never throws" test runs with: each gives other bytes, other line breaks. */
export const GARBAGE_SEEDS = [1, 42, 987654321, 20260115, 7777777];

/** Deterministic random bytes (a linear congruential generator), decoded as UTF-8: invalid sequences included. */
export function garbageBytes(seed: number, n = 8192): Buffer {
  const b = Buffer.alloc(n);
  let x = seed & 0x7fffffff;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = (x >> 8) & 0xff;
  }
  return b;
}

export function garbage(seed: number, n = 8192): string {
  return garbageBytes(seed, n).toString('utf8');
}
