import { createHash } from 'node:crypto';

/** Hex sha256 of a text or bytes: commands, scripts, serials and files are fingerprinted, never exported raw. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
