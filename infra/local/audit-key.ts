import { join } from 'node:path';
import { MIN_AUDIT_KEY_LENGTH } from '#core/audit-chain';
import { localSecret } from '../../lambdas/channels/secrets/local-secret.ts';
import { staticSecret, type SecretSource } from '../../lambdas/channels/secrets/secret-source.ts';

/** The file in the data folder that keeps the local audit key across restarts. */
export const AUDIT_KEY_FILE = 'audit-key';

/**
 * The local audit key: `HITL_AUDIT_KEY` when configured, else generated on first start into
 * `<dataDir>/audit-key` (owner-readable only) and read from there after; a random key per process
 * when nothing is kept on disk.
 */
export function localAuditKey(options: { readonly configured?: string; readonly dataDir?: string }): SecretSource {
  if (options.configured !== undefined) {
    if (options.configured.length < MIN_AUDIT_KEY_LENGTH) throw new Error(`HITL_AUDIT_KEY must be at least ${MIN_AUDIT_KEY_LENGTH} characters`);
    return staticSecret(options.configured);
  }
  return localSecret(options.dataDir ? join(options.dataDir, AUDIT_KEY_FILE) : undefined);
}
