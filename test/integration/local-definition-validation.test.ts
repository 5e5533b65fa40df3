import { describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '#local/stepfunctions-engine';

const valid = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
const invalid = { StartAt: 'Missing', States: { Done: { Type: 'Pass', End: true } } };

describe('the local engine checks each definition it registers', () => {
  it('rejects an invalid definition every time it is registered, also after a valid one', () => {
    // Prepare
    const engine = new LocalStepFunctions({ functions: {} });
    engine.registerStateMachine('valid', valid);

    // Act
    const attempts = [1, 2].map(() => {
      try {
        engine.registerStateMachine('invalid', invalid);
        return undefined;
      } catch (error) {
        return (error as Error).name;
      }
    });

    // Assess
    expect(attempts).toEqual(['InvalidDefinition', 'InvalidDefinition']);
  });

  it('registers a definition that passed once under a second name, and runs both', async () => {
    // Prepare
    const engine = new LocalStepFunctions({ functions: {} });

    // Act
    const arns = [engine.registerStateMachine('first', valid), engine.registerStateMachine('second', valid)];
    const runs = await Promise.all(arns.map(async (arn) => engine.waitForExecution((await engine.startExecution(arn, { n: 1 })).executionArn)));

    // Assess
    expect(runs.map((run) => run.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
