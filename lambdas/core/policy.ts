import picomatch from 'picomatch';
import type { AgentAction } from './action.ts';
import type { HitlConfig } from './hitl-config.ts';

/** Tool permissions an approver granted or revoked for the rest of one execution. */
export interface ExecutionGrants {
  readonly allowedTools: readonly string[];
  readonly deniedTools: readonly string[];
}

export const NO_GRANTS: ExecutionGrants = { allowedTools: [], deniedTools: [] };

export type GateVerdict =
  | { readonly outcome: 'pass'; readonly why: string }
  | { readonly outcome: 'pause'; readonly why: string }
  | { readonly outcome: 'deny'; readonly why: string; readonly reason: string }
  | { readonly outcome: 'log'; readonly why: string };

const matcherCache = new Map<string, (name: string) => boolean>();

/** True when `toolName` matches any of the glob `patterns` (`search`, `crm.*`, `*`). */
export function matchesAny(toolName: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    let matcher = matcherCache.get(pattern);
    if (!matcher) {
      matcher = picomatch(pattern, { dot: true, nocase: false });
      matcherCache.set(pattern, matcher);
    }
    return matcher(toolName);
  });
}

/**
 * The gate policy: what happens to `action` at a node with `config`.
 * A tool on both lists is blocked: a deny is never overridden by an allow.
 */
export function evaluateGate(config: HitlConfig, action: AgentAction, grants: ExecutionGrants = NO_GRANTS): GateVerdict {
  switch (config.mode) {
    case 'disabled':
      return { outcome: 'pass', why: 'oversight disabled at this node' };
    case 'audit':
      return { outcome: 'log', why: 'audit mode logs every action and blocks none' };
    case 'blocking':
      return { outcome: 'pause', why: 'blocking mode waits for a person at this node' };
    case 'confirm_tools': {
      if (action.kind === 'message') return { outcome: 'pass', why: 'messages flow freely in confirm_tools mode' };
      const tool = action.toolCall.name;
      if (matchesAny(tool, config.blockedTools)) {
        return {
          outcome: 'deny',
          why: 'tool is on the blocked list',
          reason: `The tool "${tool}" is not allowed at this step. Do not retry it; offer the user an alternative.`,
        };
      }
      if (matchesAny(tool, grants.deniedTools)) {
        return {
          outcome: 'deny',
          why: 'an approver refused this tool for the rest of the execution',
          reason: `An approver refused "${tool}" for the rest of this conversation. Do not retry it; offer the user an alternative.`,
        };
      }
      if (matchesAny(tool, config.approvedTools)) return { outcome: 'pass', why: 'tool is on the approved list' };
      if (matchesAny(tool, grants.allowedTools)) {
        return { outcome: 'pass', why: 'an approver allowed this tool for the rest of the execution' };
      }
      return { outcome: 'pause', why: 'tool needs a person to approve it' };
    }
  }
}
