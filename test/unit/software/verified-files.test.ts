import { describe, expect, it } from 'vitest';
import { VerifiedFiles } from '../../../src/collectors/software/verified-files.js';

const st = { dev: 2049, ino: 1234, size: 10, mtimeMs: 1700000000000, ctimeMs: 1700000000000 };
const digest = 'd41d8cd98f00b204e9800998ecf8427e';

describe('VerifiedFiles', () => {
  it('remembers the matches of the last pass only', () => {
    const v = new VerifiedFiles();
    const fp = v.fingerprint('/usr/bin/tool', st, 'md5', digest);
    expect(v.has(fp)).toBe(false);
    v.add(fp);
    expect(v.has(fp)).toBe(false); // not before the pass ends
    v.endPass();
    expect(v.has(fp)).toBe(true);
    expect(v.size).toBe(1);
    v.endPass(); // a pass that did not see the file forgets it
    expect(v.has(fp)).toBe(false);
  });

  it('gives another fingerprint for any change of path, stat, algorithm or recorded digest', () => {
    const v = new VerifiedFiles();
    const base = v.fingerprint('/usr/bin/tool', st, 'md5', digest);
    const others = [
      v.fingerprint('/usr/bin/tool2', st, 'md5', digest),
      v.fingerprint('/usr/bin/tool', { ...st, dev: 2050 }, 'md5', digest),
      v.fingerprint('/usr/bin/tool', { ...st, ino: 1235 }, 'md5', digest),
      v.fingerprint('/usr/bin/tool', { ...st, size: 11 }, 'md5', digest),
      v.fingerprint('/usr/bin/tool', { ...st, mtimeMs: st.mtimeMs + 1 }, 'md5', digest),
      v.fingerprint('/usr/bin/tool', { ...st, ctimeMs: st.ctimeMs + 1 }, 'md5', digest),
      v.fingerprint('/usr/bin/tool', st, 'sha256', digest),
      v.fingerprint('/usr/bin/tool', st, 'md5', digest.replace('d4', 'd5')),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
    expect(v.fingerprint('/usr/bin/tool', st, 'md5', digest)).toBe(base);
    // Keyed per process: another instance does not produce the same fingerprints.
    expect(new VerifiedFiles().fingerprint('/usr/bin/tool', st, 'md5', digest)).not.toBe(base);
  });

  it('finds each of many fingerprints after sorting, and grows past its first block', () => {
    const v = new VerifiedFiles();
    const fps = Array.from({ length: 5000 }, (_, i) => v.fingerprint(`/f${i}`, st, 'md5', digest));
    for (const fp of fps) v.add(fp);
    v.abandonPass(); // an aborted pass keeps nothing of its own
    v.endPass();
    expect(v.size).toBe(0);
    for (const fp of fps) v.add(fp);
    v.endPass();
    expect(v.size).toBe(5000);
    expect(fps.every((fp) => v.has(fp))).toBe(true);
    expect(v.has(v.fingerprint('/absent', st, 'md5', digest))).toBe(false);
  });
});
