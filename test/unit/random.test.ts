import { describe, expect, it } from 'vitest';
import { secureRandomBytes } from '../../src/random.js';

describe('secureRandomBytes', () => {
  it('gives as many bytes as asked, different every time', async () => {
    const [a, b] = await Promise.all([secureRandomBytes(36), secureRandomBytes(36)]);
    expect(a).toHaveLength(36);
    expect(b).toHaveLength(36);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(Buffer.alloc(36))).toBe(false);
  });

  it('fills a buffer larger than one read', async () => {
    const big = await secureRandomBytes(1 << 20);
    expect(big).toHaveLength(1 << 20);
    // A filled megabyte has nearly all 256 byte values; a half-filled one is mostly zeros.
    const zeros = big.reduce((n, byte) => n + (byte === 0 ? 1 : 0), 0);
    expect(zeros).toBeLessThan(8192);
  });
});
