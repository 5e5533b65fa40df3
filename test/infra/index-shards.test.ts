import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { INDEXES } from '#adapters/dynamodb/table';
import { ConfigError, loadConfig } from '#infra/config';
import { ApprovalsTable } from '#infra/constructs/approvals-table';
import { PropsError } from '#infra/constructs/prop-checks';
import { loadLambdaConfig } from '../../lambdas/config.ts';
import { synthStack } from './fixtures.ts';

const sources = (context: Record<string, unknown> = {}, env: Record<string, string> = {}) => ({ context: (key: string) => context[key], env });

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PropsError) return error.problems;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('index shards and sweep concurrency in the configuration', () => {
  it('reads indexShards, indexReadShards and sweepConcurrency from -c strings and HITL_* variables', () => {
    // Act
    const { config } = loadConfig(sources({ senderEmail: 'approvals@acme.test', indexShards: '16' }, { HITL_INDEX_READ_SHARDS: '32', HITL_SWEEP_CONCURRENCY: '24' }));
    // Assess
    expect(config).toMatchObject({ indexShards: 16, indexReadShards: 32, sweepConcurrency: 24 });
  });

  it('refuses shard counts out of range, and readers looking in fewer shards than writers use, naming each field', () => {
    const problems = problemsOf(() => loadConfig(sources({ senderEmail: 'approvals@acme.test', indexShards: '8', indexReadShards: '4', sweepConcurrency: '0' })));
    expect(problems).toEqual([expect.stringMatching(/^sweepConcurrency:/), expect.stringMatching(/^indexReadShards: must be at least indexShards \(8\)/)]);
    expect(problemsOf(() => loadConfig(sources({ senderEmail: 'approvals@acme.test', indexShards: '65' })))).toEqual([expect.stringMatching(/^indexShards:/)]);
  });

  it('gives every function bound to the table the same INDEX_SHARDS, and the sweeper its concurrency; the index key names stay', () => {
    // Act
    const { template } = synthStack({ indexShards: 12, sweepConcurrency: 20 });
    // Assess
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { Environment?: { Variables?: Record<string, unknown> }; Description?: string } }[];
    const bound = functions.filter((f) => f.Properties.Environment?.Variables?.TABLE_NAME !== undefined);
    expect(bound.length).toBeGreaterThan(3);
    for (const f of bound) expect(f.Properties.Environment!.Variables!.INDEX_SHARDS, f.Properties.Description).toBe('12');
    const sweeper = functions.filter((f) => f.Properties.Description?.includes('sweeper'));
    expect(sweeper.map((f) => f.Properties.Environment?.Variables?.SWEEP_CONCURRENCY)).toEqual(['20']);
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as { Properties: { GlobalSecondaryIndexes: { IndexName: string; KeySchema: { AttributeName: string }[] }[] } };
    expect(table.Properties.GlobalSecondaryIndexes.map((index) => [index.IndexName, ...index.KeySchema.map((k) => k.AttributeName)]).sort()).toEqual(
      Object.values(INDEXES).map((index) => [index.name, index.pk, index.sk]).sort(),
    );
  });

  it('ApprovalsTable refuses readers looking in fewer shards than writers use', () => {
    const stack = new Stack(new App());
    expect(problemsOf(() => new ApprovalsTable(stack, 'Table', { indexShards: 8, indexReadShards: 2 }))).toEqual([expect.stringContaining('indexReadShards (2) must be at least indexShards (8)')]);
  });

  it('the Lambda environment refuses INDEX_READ_SHARDS below INDEX_SHARDS, and hands the functions their shards', () => {
    const env = { TABLE_NAME: 'approvals', AWS_REGION: 'eu-west-1' };
    expect(() => loadLambdaConfig({ ...env, INDEX_SHARDS: '8', INDEX_READ_SHARDS: '4' })).toThrow(/INDEX_READ_SHARDS/);
    expect(loadLambdaConfig({ ...env, INDEX_SHARDS: '8', INDEX_READ_SHARDS: '16' }).shards).toEqual({ count: 8, readCount: 16 });
    expect(loadLambdaConfig(env).shards).toBeUndefined();
  });
});
