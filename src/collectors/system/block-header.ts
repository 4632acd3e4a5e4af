import { HostFsError, type HostFs } from '../../host/hostfs.js';

/**
 * The first bytes of a block device (or of a regular file standing in for one in a
 * fixture), never more than `maxBytes`.
 */
export async function readBlockHeader(fs: HostFs, hostPath: string, maxBytes = 4096): Promise<Buffer> {
  const { handle } = await fs.open(hostPath, { blockDevices: true });
  try {
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buf, 0, maxBytes, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    throw new HostFsError(hostPath, 'EIO', (err as Error).message);
  } finally {
    await handle.close().catch(() => {});
  }
}
