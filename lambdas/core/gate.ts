import * as z from 'zod';
import { HitlConfigSchema } from './hitl-config.ts';
import { ValidationError } from './errors.ts';
import { parseOrThrow } from './validation.ts';

/** Gate ids name a file (`gates/<id>.json`) and a URL segment. */
export const GATE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
export const GateIdSchema = z.string().regex(GATE_ID_PATTERN, 'lowercase letters, digits and dashes, at most 48');

/**
 * A named approval gate that any agent may call over HTTP. Its settings are a flow node's HITL
 * settings; the caller names the gate and can neither choose nor weaken its approvers or policies.
 */
export const GateSchema = z
  .object({
    id: GateIdSchema,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    hitl: HitlConfigSchema,
  })
  .strict()
  .superRefine((gate, ctx) => {
    if (gate.hitl.mode !== 'blocking' && gate.hitl.mode !== 'confirm_tools') {
      ctx.addIssue({ code: 'custom', path: ['hitl', 'mode'], message: 'a gate is "blocking" or "confirm_tools"' });
    }
  });
export type Gate = z.infer<typeof GateSchema>;

/** Parses a gate file; `file` names it in the error. */
export function parseGate(input: unknown, file?: string): Gate {
  const gate = parseOrThrow(GateSchema, input, 'gate');
  if (file !== undefined && `${gate.id}.json` !== file) {
    throw new ValidationError(`gate id "${gate.id}" does not match its file name ${file}`, [{ path: 'id', message: `must be the file name without .json` }]);
  }
  return gate;
}

/** One saved version of a gate. Revision 1 is usually its file; later ones come from the file again or from an admin. */
export const GateRevisionSchema = z.object({
  gateId: GateIdSchema,
  revision: z.number().int().min(1),
  gate: GateSchema,
  /** `file`: seeded from `gates/<id>.json`; `api`: saved by an admin with PUT /gates/{gateId}. */
  source: z.enum(['file', 'api']),
  savedBy: z.string(),
  savedAt: z.string(),
  /** For a file revision: the digest of the file, so a changed file is seen. */
  fileDigest: z.string().optional(),
});
export type GateRevision = z.infer<typeof GateRevisionSchema>;

/** The audit pseudo-execution a gate's edits are chained under: `gate:<id>`. */
export function gateAuditExecutionId(gateId: string): string {
  return `gate:${gateId}`;
}

/** The workflow id an agent request of a gate is filed under (listings, history and audit filter by it). */
export function gateWorkflowId(gateId: string): string {
  return `gate:${gateId}`;
}
