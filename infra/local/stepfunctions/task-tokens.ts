import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AwsError } from './errors.ts';
import type { JsonValue } from './json.ts';

/** Who waits on a token. */
export interface TaskOwner {
  readonly executionArn: string;
  readonly stateName: string;
}

/** Where a token's outcome goes. */
export interface TaskSettlement {
  readonly resolve: (output: JsonValue) => void;
  readonly reject: (error: Error) => void;
}

/** Where the outcome of a parked token goes: its interpreter is gone, so its timeout is ours to report. */
export interface ParkedSettlement extends TaskSettlement {
  readonly timedOut: () => void;
}

interface OpenTask extends TaskOwner {
  settlement: TaskSettlement;
  onTimeout?: () => void;
  readonly timer: NodeJS.Timeout;
}

// nonce.mac, both base64url: 24 random bytes and an HMAC-SHA256 over the nonce.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/;

/**
 * The task tokens of `.waitForTaskToken` states, which aws-local-stepfunctions lacks.
 *
 * A token is single use. Tokens are signed with a per-engine secret, so a spent token needs no
 * bookkeeping to be told apart from one never issued: a valid signature that is no longer open was
 * ours and is over (TaskTimedOut), an invalid one never existed (TaskDoesNotExist). Memory is
 * proportional to the tasks open right now.
 */
export class TaskTokens {
  private readonly secret = randomBytes(32);
  private readonly open = new Map<string, OpenTask>();
  private readonly byExecution = new Map<string, Set<string>>();

  /**
   * Issues a token and the promise the task waits on. After `timeoutMs` the token stops being
   * accepted; the promise is left to the interpreter's own timer, which fails the state with its
   * States.Timeout (a TaskFailed catcher must not catch it, and only the library's error type says so).
   * A parked token (see `park`) has no interpreter: its `timedOut` is called instead.
   */
  issue(owner: TaskOwner, timeoutMs: number): { token: string; result: Promise<JsonValue> } {
    const nonce = randomBytes(24).toString('base64url');
    const token = `${nonce}.${this.sign(nonce)}`;
    let resolve!: (output: JsonValue) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<JsonValue>((onSuccess, onFailure) => {
      resolve = onSuccess;
      reject = onFailure;
    });
    // Not a closure over this scope: the timer would keep the first promise, and with it the
    // interpreter it settled, alive for the whole wait of a parked task.
    const timer = setTimeout(expire, timeoutMs, this, token);
    this.open.set(token, { executionArn: owner.executionArn, stateName: owner.stateName, settlement: { resolve, reject }, onTimeout: undefined, timer });
    let tokens = this.byExecution.get(owner.executionArn);
    if (!tokens) this.byExecution.set(owner.executionArn, (tokens = new Set()));
    tokens.add(token);
    return { token, result: promise };
  }

  /**
   * The task waiting on `token`, or the AWS error SendTask* returns: InvalidToken (malformed),
   * TaskDoesNotExist (never issued here), TaskTimedOut (already completed, failed or timed out).
   */
  lookup(token: string): TaskOwner {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) {
      throw new AwsError('InvalidToken', 'Invalid token');
    }
    const task = this.open.get(token);
    if (task) return { executionArn: task.executionArn, stateName: task.stateName };
    const [nonce, mac] = token.split('.');
    const expected = Buffer.from(this.sign(nonce));
    if (!timingSafeEqual(Buffer.from(mac), expected)) {
      throw new AwsError('TaskDoesNotExist', 'Task does not exist');
    }
    throw new AwsError('TaskTimedOut', 'Task Timed Out');
  }

  /** Completes the task; throws like `lookup` when the token is not open. */
  succeed(token: string, output: JsonValue): void {
    this.lookup(token);
    this.remove(token)?.settlement.resolve(output);
  }

  /** Fails the task with `error`; throws like `lookup` when the token is not open. */
  fail(token: string, error: Error): void {
    this.lookup(token);
    this.remove(token)?.settlement.reject(error);
  }

  /** Fails the task if it is still open; for the engine's own failures (the gate function threw). */
  failIfOpen(token: string, error: Error): void {
    this.remove(token)?.settlement.reject(error);
  }

  /** True while `token` waits for its outcome. */
  isOpen(token: string): boolean {
    return this.open.has(token);
  }

  /**
   * Sends the outcome of an open token to `parked` from now on, timeout included, and returns where
   * it went until now (the interpreter that is being let go), or undefined when the token is no
   * longer open. The token itself, its deadline and its owner do not change.
   */
  park(token: string, parked: ParkedSettlement): TaskSettlement | undefined {
    const task = this.open.get(token);
    if (!task) return undefined;
    const previous = task.settlement;
    task.settlement = { resolve: parked.resolve, reject: parked.reject };
    task.onTimeout = parked.timedOut;
    return previous;
  }

  /**
   * Invalidates every open token of a finished execution and fails its tasks with `error`, which
   * settles the interpreter's pending Promise.race and so clears its timeout timer.
   */
  closeExecution(executionArn: string, error: Error): void {
    for (const token of this.byExecution.get(executionArn) ?? []) this.remove(token)?.settlement.reject(error);
    this.byExecution.delete(executionArn);
  }

  /** How many tasks wait on a token right now. */
  get openCount(): number {
    return this.open.size;
  }

  /** Called by the token's timer. */
  expire(token: string): void {
    this.remove(token)?.onTimeout?.();
  }

  private remove(token: string): OpenTask | undefined {
    const task = this.open.get(token);
    if (!task) return undefined;
    clearTimeout(task.timer);
    this.open.delete(token);
    const tokens = this.byExecution.get(task.executionArn);
    tokens?.delete(token);
    if (tokens?.size === 0) this.byExecution.delete(task.executionArn);
    return task;
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.secret).update(nonce).digest('base64url');
  }
}

function expire(tokens: TaskTokens, token: string): void {
  tokens.expire(token);
}
