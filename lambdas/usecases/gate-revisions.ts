import { createHash } from 'node:crypto';
import { canonicalJson } from '#core/audit-chain';
import { ConcurrentUpdateError, ForbiddenError, ValidationError } from '#core/errors';
import { gateAuditExecutionId, GateSchema, gateWorkflowId, type Gate, type GateRevision } from '#core/gate';
import type { Identity } from '#core/identity';
import { parseWithPolicyChecks } from '#core/policy-checks';
import { parseOrThrow } from '#core/validation';
import type { AuditLog, Clock, GateCatalog, GateStore } from '#ports';

export interface GateRevisionDeps {
  readonly gateStore: GateStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** Who stores a gate file as a revision. */
export const FILE_SEEDER = 'system:file';

function digestOf(gate: Gate): string {
  return createHash('sha256').update(canonicalJson(gate)).digest('hex');
}

/**
 * Stores each gate file as a revision: revision 1 for a new gate, and a new revision when the file
 * changed while the newest revision still came from a file. A gate an admin saved keeps the admin's
 * revision. Concurrent seeders store each revision once (the put is conditional).
 */
export async function seedGateFiles(deps: GateRevisionDeps, files: readonly Gate[]): Promise<void> {
  for (const gate of files) {
    const current = await deps.gateStore.current(gate.id);
    const fileDigest = digestOf(gate);
    if (current && (current.source !== 'file' || current.fileDigest === fileDigest)) continue;
    try {
      await addRevision(deps, { gateId: gate.id, revision: (current?.revision ?? 0) + 1, gate, source: 'file', savedBy: FILE_SEEDER, savedAt: deps.clock.now().toISOString(), fileDigest });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
}

export interface SaveGateInput {
  readonly gateId: string;
  readonly body: unknown;
  readonly identity: Identity;
  readonly adminGroups: readonly string[];
}

/** An admin saves a gate's settings as its next revision; the next request at the gate applies them. */
export async function saveGate(deps: GateRevisionDeps, input: SaveGateInput): Promise<GateRevision> {
  if (!input.identity.groups.some((group) => input.adminGroups.includes(group))) {
    throw new ForbiddenError(`only members of ${input.adminGroups.join(' or ')} may save gates`);
  }
  const gate = await parseWithPolicyChecks(() => parseOrThrow(GateSchema, input.body, 'gate'));
  if (gate.id !== input.gateId) throw new ValidationError(`gate id "${gate.id}" is not the gate in the path`, [{ path: 'id', message: `must be "${input.gateId}"` }]);
  const current = await deps.gateStore.current(gate.id);
  const revision: GateRevision = { gateId: gate.id, revision: (current?.revision ?? 0) + 1, gate, source: 'api', savedBy: input.identity.userId, savedAt: deps.clock.now().toISOString() };
  await addRevision(deps, revision);
  return revision;
}

async function addRevision(deps: GateRevisionDeps, revision: GateRevision): Promise<void> {
  await deps.gateStore.add(revision);
  await deps.audit.append({
    executionId: gateAuditExecutionId(revision.gateId),
    workflowId: gateWorkflowId(revision.gateId),
    kind: 'gate_saved',
    actor: revision.savedBy,
    detail: { revision: revision.revision, source: revision.source, hitl: revision.gate.hitl },
  });
}

/**
 * The gates as stored, newest revision of each; `ensureSeeded` runs before the first read of each
 * call (on AWS: once per instance, storing the bundled files).
 */
export function storedGateCatalog(store: GateStore, ensureSeeded: () => Promise<void> = async () => undefined): GateCatalog {
  return {
    async get(id) {
      await ensureSeeded();
      const current = await store.current(id);
      return current ? { gate: current.gate, revision: current.revision } : undefined;
    },
    async list() {
      await ensureSeeded();
      return (await store.listCurrent()).map((revision) => revision.gate).sort((a, b) => a.id.localeCompare(b.id));
    },
  };
}

/** Runs `seed` once per process; a failed run is tried again on the next call. */
export function once(seed: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= seed().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
