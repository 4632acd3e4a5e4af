/** utmp(5) on Linux x86_64/glibc (also aarch64): fixed 384-byte records. */
export const UTMP_RECORD_SIZE = 384;

export const UtType = {
  EMPTY: 0,
  RUN_LVL: 1,
  BOOT_TIME: 2,
  NEW_TIME: 3,
  OLD_TIME: 4,
  INIT_PROCESS: 5,
  LOGIN_PROCESS: 6,
  USER_PROCESS: 7,
  DEAD_PROCESS: 8,
  ACCOUNTING: 9,
} as const;

export interface UtmpRecord {
  type: number;
  pid: number;
  line: string;
  id: string;
  user: string;
  host: string;
  session: number;
  /** ut_tv.tv_sec: Unix seconds. */
  time: number;
}

// Field offsets of struct utmp (bits/utmp.h): ut_type int16 + 2 bytes padding, ut_pid int32,
// ut_line[32], ut_id[4], ut_user[32], ut_host[256], ut_exit (2 x int16), ut_session int32,
// ut_tv (2 x int32), ut_addr_v6 (4 x int32), 20 unused bytes.
const OFF = { type: 0, pid: 4, line: 8, id: 40, user: 44, host: 76, exit: 332, session: 336, tvSec: 340, tvUsec: 344, addr: 348 } as const;

function cString(buf: Buffer, off: number, len: number): string {
  const field = buf.subarray(off, off + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

/**
 * Parses a utmp/wtmp/btmp file. A record with an unknown type is skipped and reported; a
 * trailing partial record (a file cut while being written) is reported too.
 */
export function parseUtmp(buf: Buffer, onBad?: (offset: number, reason: string) => void): UtmpRecord[] {
  const out: UtmpRecord[] = [];
  const whole = buf.length - (buf.length % UTMP_RECORD_SIZE);
  for (let off = 0; off < whole; off += UTMP_RECORD_SIZE) {
    const r = buf.subarray(off, off + UTMP_RECORD_SIZE);
    const type = r.readInt16LE(OFF.type);
    if (type < 0 || type > 9) {
      onBad?.(off, `record at byte ${off}: unknown ut_type ${type}`);
      continue;
    }
    out.push({
      type,
      pid: r.readInt32LE(OFF.pid),
      line: cString(r, OFF.line, 32),
      id: cString(r, OFF.id, 4),
      user: cString(r, OFF.user, 32),
      host: cString(r, OFF.host, 256),
      session: r.readInt32LE(OFF.session),
      time: r.readUInt32LE(OFF.tvSec),
    });
  }
  if (whole !== buf.length) onBad?.(whole, `truncated record at byte ${whole}: ${buf.length - whole} of ${UTMP_RECORD_SIZE} bytes`);
  return out;
}

/** Builds one record, as login(1)/sshd write them; for tests and fixtures. */
export function encodeUtmp(r: Partial<UtmpRecord> & { type: number }): Buffer {
  const b = Buffer.alloc(UTMP_RECORD_SIZE);
  b.writeInt16LE(r.type, OFF.type);
  b.writeInt32LE(r.pid ?? 0, OFF.pid);
  b.write(r.line ?? '', OFF.line, 32, 'utf8');
  b.write(r.id ?? '', OFF.id, 4, 'utf8');
  b.write(r.user ?? '', OFF.user, 32, 'utf8');
  b.write(r.host ?? '', OFF.host, 256, 'utf8');
  b.writeInt32LE(r.session ?? 0, OFF.session);
  b.writeUInt32LE(r.time ?? 0, OFF.tvSec);
  return b;
}
