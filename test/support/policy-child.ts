/**
 * Runs the gate policy in a child process, so a test can bound a synchronous hang (a backtracking
 * regular expression blocks the event loop, where no test timeout can fire): reads
 * `{ config, actions }` as JSON on stdin and prints the verdict of each action.
 */
import { HitlConfigSchema } from '#core/hitl-config';
import { evaluateGate } from '#core/policy';
import type { AgentAction } from '#core/action';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const { config, actions } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { config: unknown; actions: AgentAction[] };
const hitl = HitlConfigSchema.parse(config);
process.stdout.write(JSON.stringify(actions.map((action) => evaluateGate(hitl, action))));
