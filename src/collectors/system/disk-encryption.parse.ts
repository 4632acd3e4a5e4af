/** A device-mapper target created by cryptsetup, from its dm/uuid ("CRYPT-LUKS2-<hex uuid>-<name>"). */
export interface CryptMapping {
  /** luks1, luks2, plain, bitlk, tcrypt, verity… */
  type: string;
  /** The LUKS header UUID in its usual dashed form, or "" for other types. */
  uuid: string;
}

/** Parses a dm/uuid; null when the mapping is not dm-crypt (LVM, multipath…). */
export function parseCryptUuid(dmUuid: string): CryptMapping | null {
  const m = /^CRYPT-([A-Z0-9]+)-(.*)$/.exec(dmUuid.trim());
  if (!m) return null;
  const type = m[1]!.toLowerCase();
  const hex = /^([0-9a-f]{32})-/.exec(m[2]!)?.[1];
  const uuid = type.startsWith('luks') && hex ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : '';
  return { type, uuid };
}

export interface LuksHeader {
  version: number;
  uuid: string;
  /** LUKS2 only (LUKS1 has no label). */
  label: string;
  /** LUKS1 only: LUKS2 keeps its cipher in the JSON area, past the bytes read. */
  cipher: string;
  /** LUKS1 only: key slots in use; null for LUKS2. */
  activeKeyslots: number | null;
}

const MAGIC = Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]); // "LUKS\xba\xbe"
const LUKS1_KEYSLOT_ACTIVE = 0x00ac71f3;

function cString(b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const end = s.indexOf(0);
  return (end === -1 ? s : s.subarray(0, end)).toString('latin1').replace(/[^\x20-\x7e]/g, '');
}

/** Parses the start of a LUKS1/LUKS2 header; null when the bytes are not LUKS. Salts and digests are never read. */
export function parseLuksHeader(b: Buffer): LuksHeader | null {
  if (b.length < 208 || !b.subarray(0, 6).equals(MAGIC)) return null;
  const version = b.readUInt16BE(6);
  if (version === 1) {
    let active: number | null = null;
    if (b.length >= 208 + 8 * 48) {
      active = 0;
      for (let i = 0; i < 8; i++) if (b.readUInt32BE(208 + i * 48) === LUKS1_KEYSLOT_ACTIVE) active++;
    }
    const mode = cString(b, 40, 32);
    return { version, uuid: cString(b, 168, 40), label: '', cipher: [cString(b, 8, 32), mode].filter(Boolean).join('-'), activeKeyslots: active };
  }
  if (version === 2) return { version, uuid: cString(b, 168, 40), label: cString(b, 24, 48), cipher: '', activeKeyslots: null };
  return null;
}

/** The /dev path of a sysfs block device name ("cciss!c0d0" is /dev/cciss/c0d0). */
export function devPath(sysName: string): string {
  return '/dev/' + sysName.replace(/!/g, '/');
}
