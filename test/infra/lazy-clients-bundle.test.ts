import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/hitl-function';
import { bundledAsCdkBuilds, sourcesAtInit } from '../support/bundle-init-graph.ts';

describe('clients loaded on first use, inside a bundle built as CDK builds the functions', () => {
  it('loads Secrets Manager, SES, Cognito and Lambda at first use and hands each its command', { timeout: 120_000 }, async () => {
    // Prepare: the bundle alone in an empty folder, so nothing comes from a node_modules.
    const { dir, metafile } = await bundledAsCdkBuilds(join(REPO_ROOT, 'test', 'support', 'lazy-clients-probe.ts'));

    // Act
    const script = `const { probe } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); process.stdout.write(JSON.stringify(await probe()));`;
    const output = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' },
      encoding: 'utf8',
    });

    // Assess
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual([
      'SecretId', // GetSecretValue
      'Destinations,RawMessage,Source', // SendRawEmail
      'UserPoolId,Username', // AdminGetUser
      'Limit,NextToken,UserPoolId,Username', // AdminListGroupsForUser
      'FunctionName,InvocationType,Payload', // Invoke
      'client of Lambda',
    ]);
    // None of them is in the files loaded at init (the entry and what it imports statically): their
    // chunks are read and compiled only at first use.
    const atInit = sourcesAtInit(metafile);
    expect(atInit.some((source) => source.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
    for (const client of ['client-secrets-manager', 'client-ses', 'client-cognito-identity-provider', 'client-lambda']) {
      expect(atInit.filter((source) => source.includes(`node_modules/@aws-sdk/${client}/`)), client).toEqual([]);
    }
  });
});
