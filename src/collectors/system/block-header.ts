import { constants as C } from 'node:fs';
import { open } from 'node:fs/promises';
import { HostFsError, type HostFs } from '../../host/hostfs.js';

/**
 * The first bytes of a block device (or of a regular file standing in for one in a
 * fixture). HostFs reads regular files only, so this one read of device nodes lives
 * here: the path still resolves inside the host root through `fs.realPath`, the read
 * never blocks on a FIFO and never returns more than `maxBytes`.
 */
export async function readBlockHeader(fs: HostFs, hostPath: string, maxBytes = 4096): Promise<Buffer> {
  const real = await fs.realPath(hostPath);
  let fh;
  try {
    fh = await open(real, C.O_RDONLY | C.O_NONBLOCK | C.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENXIO' || code === 'ENOMEDIUM') throw new HostFsError(hostPath, 'ENOENT');
    if (code === 'EACCES' || code === 'EPERM') throw new HostFsError(hostPath, 'EACCES');
    throw new HostFsError(hostPath, 'EIO', (err as Error).message);
  }
  try {
    const st = await fh.stat();
    if (!st.isBlockDevice() && !st.isFile()) throw new HostFsError(hostPath, 'ENOTREG', 'not a block device');
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await fh.read(buf, 0, maxBytes, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    if (err instanceof HostFsError) throw err;
    throw new HostFsError(hostPath, 'EIO', (err as Error).message);
  } finally {
    await fh.close().catch(() => {});
  }
}
