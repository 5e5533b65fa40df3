import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { startLocalApp } from '#local/app';
import { bundleForNode } from '#local/build';
import { ensureTable, startLocalDynamo } from '#local/dynamodb';
import type { LocalContext } from '#local/module';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Reads one item from another process, with the AWS SDK, and prints it. */
const READ_FROM_ANOTHER_PROCESS = `
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ endpoint: process.env.ENDPOINT, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
const { Item } = await client.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { pk: { S: 'PROBE' }, sk: { S: 'META' } } }));
console.log(JSON.stringify(Item));
`;

describe('the local stack\'s DynamoDB', () => {
  it('answers while the server\'s main thread is busy: it runs on a thread of its own', async () => {
    // Prepare: the local stack as its tests and `npm start` start it, with an item in its table
    let context: LocalContext | undefined;
    const app = await startLocalApp({ sweepIntervalMs: 0, modules: [{ name: 'probe', start: async (ctx) => ((context = ctx), {}) }] });
    const { db, tableName } = context!;
    await db.send(new PutCommand({ TableName: tableName, Item: { pk: 'PROBE', sk: 'META', note: 'written by the server' } }));
    const { hostname, port } = await db.config.endpoint!();

    // Act: the main thread blocks until another process has read the item (or gave up after a generous bound)
    const printed = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', READ_FROM_ANOTHER_PROCESS], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ENDPOINT: `http://${hostname}:${port}`, TABLE: tableName },
    });
    await app.close();

    // Assess
    expect(JSON.parse(printed)).toMatchObject({ note: { S: 'written by the server' } });
  });

  it('on disk, closes only once its thread has let go of the data folder, which opens again at once with the data', async () => {
    // Prepare
    const path = mkdtempSync(join(tmpdir(), 'hitl-dynamo-thread-'));
    dirs.push(path);
    const first = await startLocalDynamo({ path, thread: 'worker' });
    await ensureTable(first.clientConfig, 'approvals');
    const writer = createDocumentClient(first.clientConfig);
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.send(new PutCommand({ TableName: 'approvals', Item: { pk: `P#${i}`, sk: 'META' } }))));
    writer.destroy();

    // Act: close, then open the same folder (LevelDB's lock refuses a second opener while the first holds it)
    await first.close();
    const second = await startLocalDynamo({ path, thread: 'worker' });
    const reader = createDocumentClient(second.clientConfig);
    const read = await Promise.all(Array.from({ length: 20 }, (_, i) => reader.send(new GetCommand({ TableName: 'approvals', Key: { pk: `P#${i}`, sk: 'META' } }))));
    reader.destroy();
    await second.close();

    // Assess
    expect(read.map((r) => r.Item?.pk)).toEqual(Array.from({ length: 20 }, (_, i) => `P#${i}`));
  });

  it('built for plain node, runs from its own bundle beside the stack\'s, and only that thread loads dynalite', async () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'hitl-dynamo-thread-build-'));
    dirs.push(folder);

    // Act
    await bundleForNode('infra/local/main.ts', join(folder, 'main.mjs'));
    const stack = readFileSync(join(folder, 'main.mjs'), 'utf8');
    const worker = readFileSync(join(folder, 'dynamodb-worker.mjs'), 'utf8');

    // Assess: dynalite is imported on demand, never statically into the server's thread; the worker needs no compiler
    const staticImports = (bundle: string) => [...bundle.matchAll(/^import\s.*?from\s+"([^"]+)";$/gm)].map((m) => m[1]);
    expect(staticImports(stack)).not.toContain('dynalite');
    expect(staticImports(worker)).toContain('node:worker_threads');
    expect(staticImports(worker).filter((name) => /^(esbuild|tsx|typescript)(\/|$)/.test(name))).toEqual([]);
    expect(worker).toContain('import("dynalite")');
  });
});
