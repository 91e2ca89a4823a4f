import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Cryptographically secure random bytes (for the generated SESSION_SECRET), from the
 * kernel's CSPRNG through /dev/urandom where there is one. Loading node:crypto for one call
 * cost ~13 ms of a ~150 ms scaffold (bench/scaffold.mjs); Windows has no /dev/urandom and
 * takes node:crypto.
 */
export async function secureRandomBytes(size: number): Promise<Buffer> {
  const bytes = Buffer.alloc(size);
  let fd: number | undefined;
  try {
    fd = openSync('/dev/urandom', 'r');
    for (let filled = 0; filled < size; ) {
      const read = readSync(fd, bytes, filled, size - filled, null);
      if (read === 0) throw new Error('/dev/urandom ended');
      filled += read;
    }
    return bytes;
  } catch {
    const { randomBytes } = await import('node:crypto');
    return randomBytes(size);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
