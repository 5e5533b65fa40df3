import * as z from 'zod';
import { ApproversSchema, type Approvers } from './approvers.ts';
import { policyChecksInScope } from './policy-checks.ts';
import { PolicyRuleSchema } from './policy-rule-schema.ts';
import { ToolGlobSchema } from './tool-glob-schema.ts';

export { ApproversSchema, type Approvers };

/** Default wait before a gate times out, by flow channel. Voice callers are on hold, so they wait briefly. */
export const DEFAULT_TIMEOUT_SECONDS = { async: 30 * 60, voice: 3 * 60 } as const;
export const MAX_VOICE_TIMEOUT_SECONDS = 5 * 60;
/** Step Functions Standard workflows run for at most a year; a gate cannot wait longer. */
export const MAX_TIMEOUT_SECONDS = 365 * 24 * 3600;

export const HitlModeSchema = z.enum(['disabled', 'blocking', 'confirm_tools', 'audit']);
export type HitlMode = z.infer<typeof HitlModeSchema>;

export const EscalationLevelSchema = z
  .object({
    approvers: ApproversSchema,
    timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS),
  })
  .strict();
export type EscalationLevel = z.infer<typeof EscalationLevelSchema>;

/** A tool name or glob (`search*`, `crm.*`). */
const toolPattern = ToolGlobSchema;

/**
 * A node's human-in-the-loop settings. Its CEL rules and tool globs are checked when parsed under
 * policy checks (input from outside, see policy-checks.ts); settings read back from the table were
 * checked when written.
 */
export const HitlConfigSchema = z
  .object({
    mode: HitlModeSchema,
    approvedTools: z.array(toolPattern).max(200).default([]),
    blockedTools: z.array(toolPattern).max(200).default([]),
    /** Seconds the first level waits; defaults by channel (30 min async, 3 min voice). */
    timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).optional(),
    onTimeout: z.enum(['reject', 'escalate']).default('reject'),
    /**
     * How many seconds approvers may push back each level's deadline in total (`POST
     * /approvals/{id}/extend`). Defaults to the level's own timeout, so a wait can at least double.
     */
    maxExtensionSeconds: z.number().int().min(0).max(MAX_TIMEOUT_SECONDS).optional(),
    /** Levels after the first, used in order when onTimeout is `escalate`. */
    escalation: z.array(EscalationLevelSchema).max(10).default([]),
    approvers: ApproversSchema.default({ users: [], groups: [] }),
    /** Separation of duties: the user who started the execution may not approve it. */
    allowSelfApproval: z.boolean().default(false),
    /** k-of-n: how many approvals resume the workflow, and how many rejections end it (1: any reject). */
    quorum: z
      .object({
        approvals: z.number().int().min(1).max(50),
        rejections: z.number().int().min(1).max(50).default(1),
      })
      .strict()
      .default({ approvals: 1, rejections: 1 }),
    /** On escalation, someone who already voted at an earlier level may not vote again. */
    distinctApproversPerLevel: z.boolean().default(false),
    /** Argument-aware rules (CEL), checked before the tool lists; see policy-rules.ts. */
    policies: z.array(PolicyRuleSchema).max(100).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const checks = policyChecksInScope();
    config.policies.forEach((rule, index) => {
      const problem = checks?.expression(rule.when);
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', index, 'when'],
          message: `policy "${rule.id}", line ${problem.line}, column ${problem.column}: ${problem.message}`,
        });
      }
    });
    const ids = config.policies.map((rule) => rule.id);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: 'custom', path: ['policies', index, 'id'], message: `policy id "${id}" is used twice` });
    });
    if (config.onTimeout === 'escalate' && config.escalation.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['escalation'], message: 'onTimeout "escalate" needs at least one escalation level' });
    }
    if (config.mode === 'blocking' || config.mode === 'confirm_tools') {
      if (config.approvers.users.length === 0 && config.approvers.groups.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['approvers'], message: `mode "${config.mode}" needs at least one approver user or group` });
      }
    }
  });
export type HitlConfig = z.infer<typeof HitlConfigSchema>;
export type HitlConfigInput = z.input<typeof HitlConfigSchema>;

export const FlowChannelSchema = z.enum(['async', 'voice']);
export type FlowChannel = z.infer<typeof FlowChannelSchema>;

/** The approvers of a given level: level 0 is the node's own, level n is escalation[n-1]. */
export function approversAtLevel(config: HitlConfig, level: number): Approvers {
  if (level === 0) return config.approvers;
  return config.escalation[level - 1]?.approvers ?? { users: [], groups: [] };
}

/** How long a given level waits. */
export function timeoutAtLevel(config: HitlConfig, level: number, channel: FlowChannel = 'async'): number {
  if (level === 0) return config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[channel];
  return config.escalation[level - 1]?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[channel];
}

/** Whether a request at `level` that times out escalates (true) or is rejected (false). */
export function escalatesAfter(config: HitlConfig, level: number): boolean {
  return config.onTimeout === 'escalate' && level < config.escalation.length;
}

/**
 * How many seconds a level's deadline may be pushed back in total. Voice gates cannot be extended:
 * the caller is on hold, and the gate task's own timeout is their deadline.
 */
export function maxExtensionAtLevel(config: HitlConfig, level: number, channel: FlowChannel = 'async'): number {
  if (channel === 'voice') return 0;
  return config.maxExtensionSeconds ?? timeoutAtLevel(config, level, channel);
}

/**
 * Total seconds a gate may wait across all levels, each extended to its maximum; the Step Functions
 * hard cap sits above it, so an extended request is never cut short by the cap.
 */
export function totalWaitSeconds(config: HitlConfig, channel: FlowChannel = 'async'): number {
  let total = timeoutAtLevel(config, 0, channel) + maxExtensionAtLevel(config, 0, channel);
  if (config.onTimeout === 'escalate') {
    config.escalation.forEach((level, index) => (total += level.timeoutSeconds + maxExtensionAtLevel(config, index + 1, channel)));
  }
  return total;
}
