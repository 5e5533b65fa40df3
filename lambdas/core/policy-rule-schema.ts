import * as z from 'zod';
import { ApproversSchema } from './approvers.ts';
import { POLICY_LIMITS } from './policy-limits.ts';
import { ToolGlobSchema } from './tool-glob-schema.ts';

/**
 * An argument-aware policy rule: its `when` is a CEL expression (see policy-rules.ts, which parses,
 * checks and evaluates it). The shape alone needs no CEL engine, so every function can parse
 * settings that hold rules without loading one; the expression is checked where input comes from
 * outside (see policy-checks.ts).
 */
export const PolicyRuleSchema = z
  .object({
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    description: z.string().max(500).optional(),
    /** Tools the rule applies to (globs); all tools when empty. */
    tools: z.array(ToolGlobSchema).max(50).default([]),
    when: z.string().min(1).max(POLICY_LIMITS.maxExpressionChars),
    effect: z.enum(['allow', 'deny', 'require_approval']),
    /** What the agent reads when a deny rule refuses its call. */
    reason: z.string().max(1000).optional(),
    /** require_approval: who decides, how many, and how long they have, instead of the node's. */
    approvers: ApproversSchema.optional(),
    quorum: z.object({ approvals: z.number().int().min(1).max(50), rejections: z.number().int().min(1).max(50).default(1) }).strict().optional(),
    timeoutSeconds: z.number().int().min(1).max(365 * 24 * 3600).optional(),
  })
  .strict();
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

/** What a rule's `when` sees. */
export interface PolicyInput {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly context: {
    readonly workflowId?: string;
    readonly nodeId?: string;
    readonly channel?: string;
    readonly requestedBy?: string | null;
    readonly facts?: Record<string, unknown>;
  };
}

/** Where a CEL expression failed its checks: 1-based line and column of the offending token. */
export interface PolicySyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}
