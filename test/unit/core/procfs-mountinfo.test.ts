import { describe, expect, it } from 'vitest';
import { parseMountInfo } from '../../../src/host/procfs/mounts.parse.js';

describe('parseMountInfo', () => {
  it("reads proc(5)'s example, optional fields, escapes and merged options", () => {
    const bad: number[] = [];
    const m = parseMountInfo(
      [
        '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue',
        '37 36 0:22 / /mnt/my\\040disk ro,nosuid shared:5 master:2 - tmpfs tmp\\011fs ro,size=1024k',
        '38 36 0:23 / /run rw - tmpfs tmpfs rw',
        'garbage',
        '39 36 0:24 / relative rw - ext4 /dev/x rw',
      ].join('\n'),
      (l) => bad.push(l),
    );
    expect(m).toEqual([
      { device: '/dev/root', mountpoint: '/mnt2', fstype: 'ext3', options: ['rw', 'noatime', 'errors=continue'] },
      { device: 'tmp\tfs', mountpoint: '/mnt/my disk', fstype: 'tmpfs', options: ['ro', 'nosuid', 'size=1024k'] },
      { device: 'tmpfs', mountpoint: '/run', fstype: 'tmpfs', options: ['rw'] },
    ]);
    expect(bad).toEqual([4, 5]);
  });
});
