import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cachedSecret, staticSecret, type SecretSource } from './secret-source.ts';

/**
 * The local stand-in for a Secrets Manager secret: generated once and kept in `file` (readable by
 * its owner only), so links in the outbox keep working after a restart. Without a file (in-memory
 * mode), a random secret per process.
 */
export function localSecret(file?: string): SecretSource {
  if (!file) return staticSecret(randomBytes(32).toString('hex'));
  return cachedSecret(async () => {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      // 'wx' fails if another process created it meanwhile; then we read theirs.
      try {
        writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    chmodSync(file, 0o600);
    const value = readFileSync(file, 'utf8').trim();
    if (value.length < 32) throw new Error(`${file} holds no usable secret; delete it to make a new one`);
    return value;
  });
}
