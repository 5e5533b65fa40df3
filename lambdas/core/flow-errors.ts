import { HitlError } from './errors.ts';

/**
 * Errors of flow executions. Their `name` is what Step Functions sees as the task's error (the Lambda
 * error type), so Retry and Catch can match it; the names are stable API.
 */

/** Step Functions carries at most 256 KB between states. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** The workflow state would not fit through Step Functions; failing loudly beats a silent truncation. */
export class DataLimitExceededError extends HitlError {
  override readonly code = 'DataLimitExceeded';
  constructor(message: string) {
    super(message);
    this.name = 'Hitl.DataLimitExceeded';
  }
}

/** A stored large value a state refers to is gone (past its retention) or is not what the reference names. */
export class PayloadUnavailableError extends HitlError {
  override readonly code = 'PayloadUnavailable';
  constructor(message: string) {
    super(message);
    this.name = 'Hitl.PayloadUnavailable';
  }
}

/** The agent kept calling tools past its node's `maxTurns`. */
export class AgentTurnLimitError extends HitlError {
  override readonly code = 'AgentTurnLimit';
  constructor(nodeId: string, maxTurns: number) {
    super(`agent node "${nodeId}" took ${maxTurns} turns without answering`);
    this.name = 'Hitl.AgentTurnLimit';
  }
}

/** Bytes of `value` as JSON, the way Step Functions measures a payload. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** Throws DataLimitExceededError naming `where` and the size when `value` is above the limit. */
export function assertWithinStateLimit(value: unknown, where: string): void {
  const bytes = payloadBytes(value);
  if (bytes > STATE_PAYLOAD_LIMIT_BYTES) {
    throw new DataLimitExceededError(
      `the workflow state at ${where} is ${bytes} bytes; Step Functions carries at most ${STATE_PAYLOAD_LIMIT_BYTES} bytes (256 KB) between states. ` +
        'Keep large tool results out of the conversation (store them and pass a reference).',
    );
  }
}
