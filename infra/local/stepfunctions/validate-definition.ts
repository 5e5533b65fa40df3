import { createHash } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsError } from './errors.ts';

/**
 * Digests of the definitions that passed. asl-validator compiles its JSON schemas on every call
 * (~70-100 ms), and the same definition is registered again and again: a flow's version and its live
 * name, and every app a process starts (a test file may start several). The check depends on the
 * definition alone, so a definition that passed once passes again.
 */
const passed = new Set<string>();
const MAX_REMEMBERED = 1_000;

/**
 * Throws InvalidDefinition unless `definition` is valid ASL (asl-validator, ARNs and paths
 * included), as aws-local-stepfunctions checks it.
 */
export function assertValidDefinition(definition: object): void {
  const text = JSON.stringify(definition);
  const digest = createHash('sha256').update(text).digest('base64');
  if (passed.has(digest)) return;
  try {
    // The validator writes QueryLanguage into every state: give it a copy.
    new StateMachine(JSON.parse(text) as ConstructorParameters<typeof StateMachine>[0]);
  } catch (error) {
    throw new AwsError('InvalidDefinition', (error as Error).message);
  }
  // Insertion order is age: forget the oldest.
  if (passed.size >= MAX_REMEMBERED) passed.delete(passed.values().next().value!);
  passed.add(digest);
}
