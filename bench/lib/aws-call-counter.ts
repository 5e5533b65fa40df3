import type { Workflows } from '#ports';

/** One AWS call as the counter saw it: its service, operation and when it was in flight. */
export interface AwsCall {
  readonly service: string;
  readonly operation: string;
  readonly start: number;
  readonly end: number;
}

export interface CallCount {
  /** Calls made, all services. */
  readonly total: number;
  /** The longest chain of calls each starting after the previous one ended: the sequential depth. */
  readonly depth: number;
  /** Calls by `Service.Operation`. */
  readonly byOperation: Record<string, number>;
  /** Depth of the first call of each operation (the calls in its chain, itself included). */
  readonly depthOf: Record<string, number>;
}

interface MiddlewareClient {
  readonly middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void; remove(name: string): boolean };
}

/**
 * Counts AWS calls, and how many of them run one after another, between `reset()` and `count()`.
 * SDK clients are counted by a middleware on their stack, once per command sent (SDK retries inside it
 * are not counted apart);
 * a Workflows port that is not an SDK client (the local Step Functions engine) by wrapping its methods.
 * Calls whose times overlap ran side by side and add one level of depth; a call that starts after
 * another ended is counted as waiting for it.
 */
export class AwsCallCounter {
  private calls: AwsCall[] = [];
  private since = 0;
  private readonly detachers: (() => void)[] = [];

  /** Counts the calls of an SDK client (a DynamoDB document client counts through its DynamoDB client's stack). */
  attach(client: MiddlewareClient, service: string): this {
    const name = `awsCallCounter-${service}-${this.detachers.length}`;
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        const start = performance.now();
        try {
          return await next(args);
        } finally {
          this.calls.push({ service, operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''), start, end: performance.now() });
        }
      },
      // From the moment the code sends the command (before the SDK serializes and signs it) to its result.
      { step: 'initialize', name, priority: 'high' },
    );
    this.detachers.push(() => void client.middlewareStack.remove(name));
    return this;
  }

  /** Counts the Step Functions calls of a Workflows port by wrapping its methods on the object itself. */
  attachWorkflows(workflows: Workflows): this {
    const operations = { startExecution: 'StartExecution', sendTaskSuccess: 'SendTaskSuccess', sendTaskFailure: 'SendTaskFailure', describeExecution: 'DescribeExecution' } as const;
    for (const [method, operation] of Object.entries(operations) as [keyof Workflows, string][]) {
      const target = workflows as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const own = Object.prototype.hasOwnProperty.call(target, method);
      const original = target[method]!;
      target[method] = async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await original.apply(workflows, args);
        } finally {
          this.calls.push({ service: 'StepFunctions', operation, start, end: performance.now() });
        }
      };
      this.detachers.push(() => {
        if (own) target[method] = original;
        else delete target[method];
      });
    }
    return this;
  }

  /** Starts counting afresh: calls still in flight from before are not counted when they end. */
  reset(): void {
    this.calls = [];
    this.since = performance.now();
  }

  /** The calls started since the last reset, in the order they ended. */
  seen(): readonly AwsCall[] {
    return this.calls.filter((call) => call.start >= this.since);
  }

  count(): CallCount {
    return countCalls(this.seen());
  }

  detach(): void {
    for (const detach of this.detachers.splice(0)) detach();
  }
}

/** Total, depth, and the depth at which each operation first ran, of a set of timed calls. */
export function countCalls(calls: readonly AwsCall[]): CallCount {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depths: number[] = [];
  const byOperation: Record<string, number> = {};
  const depthOf: Record<string, number> = {};
  sorted.forEach((call, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= call.start) before = Math.max(before, depths[j]!);
    depths.push(before + 1);
    const key = `${call.service}.${call.operation}`;
    byOperation[key] = (byOperation[key] ?? 0) + 1;
    depthOf[key] ??= before + 1;
  });
  return { total: calls.length, depth: Math.max(0, ...depths), byOperation, depthOf };
}
