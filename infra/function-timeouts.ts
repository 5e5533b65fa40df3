import type { EntryName } from './constructs/hitl-function.ts';

/**
 * Each Lambda function's timeout in seconds, by entry. CDK deploys these, and the local engine
 * enforces the same, so a local handler that runs too long fails its task as it would on AWS.
 */
export const FUNCTION_TIMEOUT_SECONDS = {
  gate: 15,
  // A long poll (GET /approvals/{id}/decision) holds a call up to 25 s, inside API Gateway's 29 s.
  api: 28,
  // A batch decision delivers each decision in turn; API Gateway gives up at 29 s.
  decisions: 28,
  sweeper: 50,
  notifier: 30,
  'flow-agent': 100,
  'flow-tools': 100,
  'flow-gate': 15,
  'flow-gate-timeout': 20,
} as const satisfies Record<EntryName, number>;
