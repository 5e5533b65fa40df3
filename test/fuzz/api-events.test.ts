import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditQuerySchema, HistoryQuerySchema, ListApprovalsQuerySchema, AuditExportQuerySchema, AuditVerifyQuerySchema, StatsQuerySchema } from '#core/api-queries';
import { RespondBodySchema } from '#core/respond-input';
import type { ApprovalRequest } from '#core/request';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { flowsModule } from '#local/flows-module';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { anyIdentity, apiHandlerOver, badIdSegment, deepJson, hostileNumber, identities, nastyString, proxyEvent, type EventSpec } from '../support/fuzz.ts';
import { startPausedExecutions, type PausedExecution } from '../support/paused-executions.ts';

/**
 * Bad input against every route, in process: generated API Gateway proxy events go through the same
 * router and error mapper the API Lambda uses, over the local app's routes (feature modules included).
 * Every case must get a 4xx (or, where a generated input may happen to be valid, anything but a 5xx),
 * and the pending request every case aims at must stay exactly as it was.
 */
let app: LocalApp;
let handle: (event: ReturnType<typeof proxyEvent>) => Promise<APIGatewayProxyResult>;
let target: PausedExecution;
/** A paused call of a tool the API has no argument schema for, so edited arguments reach the store as given. */
let schemaless: PausedExecution;
let schemalessSnapshot: ApprovalRequest | undefined;
let snapshot: { request: ApprovalRequest | undefined; token: string | undefined };
const runs = { total: 0 };

const SLACK_SECRET = 'fuzz-slack-signing-secret';
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const opts = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });

beforeAll(async () => {
  app = await startLocalApp({
    sweepIntervalMs: 0,
    modules: [
      channelsModule({ mail: new MemoryMailSender(), slack: { signingSecret: SLACK_SECRET, post: async () => undefined, responseUrlPrefixes: ['http://127.0.0.1:9/'] }, env: {} }),
      flowsModule,
    ],
  });
  handle = apiHandlerOver(app.routes);
  [target] = await startPausedExecutions(app, 1);
  [schemaless] = await startPausedExecutions(app, 1, { toolName: 'crm.update_account' });
  snapshot = await current();
  schemalessSnapshot = await app.deps.store.get(schemaless.requestId);
});
afterAll(async () => {
  await app?.close();
  console.info(`api fuzz (in process): ${runs.total} generated events`);
});

async function current() {
  return { request: await app.deps.store.get(target.requestId), token: await app.deps.store.getTaskToken(target.requestId) };
}

async function send(spec: EventSpec): Promise<APIGatewayProxyResult> {
  runs.total++;
  const result = await handle(proxyEvent(spec));
  if (result.statusCode >= 500) throw new Error(`${spec.method} ${spec.path.slice(0, 120)} answered ${result.statusCode}: ${String(result.body).slice(0, 300)}`);
  return result;
}

const expect4xx = (result: APIGatewayProxyResult, spec?: string) => {
  if (result.statusCode < 400 || result.statusCode >= 500) throw new Error(`expected a 4xx${spec ? ` for ${spec}` : ''}, got ${result.statusCode}: ${String(result.body).slice(0, 300)}`);
};

async function expectUnchanged() {
  expect(await current()).toEqual(snapshot);
}

const respondPath = () => `/approvals/${target.requestId}/respond`;
const json = { 'content-type': 'application/json' };

/** Bodies POST /approvals/{id}/respond must refuse: not JSON, not an object, or failing its schema. */
const badRespondBody = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue().filter((v) => !RespondBodySchema.safeParse(v).success).map((v) => ({ body: JSON.stringify(v), headers: json })) },
  { weight: 2, arbitrary: fc.record({ decision: fc.oneof(fc.constantFrom('approve', 'reject'), nastyString) }, { requiredKeys: [] }).chain((base) =>
      fc.record({
        reason: fc.oneof(fc.constant(''), fc.constant('   '), fc.string({ minLength: 2001, maxLength: 2100 }), fc.integer(), fc.constant(null)),
        scope: fc.oneof(fc.constantFrom('forever', 'ONCE', ''), fc.integer()),
        editedArgs: fc.oneof(fc.constant('x'), fc.array(fc.integer()), fc.constant(null)),
        extra: nastyString,
      }, { requiredKeys: [] }).map((more) => ({ ...base, ...more })),
    ).filter((v) => !RespondBodySchema.safeParse(v).success).map((v) => ({ body: JSON.stringify(v), headers: json })) },
  { weight: 2, arbitrary: nastyString.map((s) => ({ body: s, headers: json })).filter((b) => { try { return !RespondBodySchema.safeParse(JSON.parse(b.body)).success; } catch { return true; } }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 40_000 }).map((depth) => ({ body: deepJson(depth), headers: json })) },
  { weight: 1, arbitrary: fc.integer({ min: 64 * 1024 + 1, max: 300 * 1024 }).map((n) => ({ body: JSON.stringify({ decision: 'approve', reason: 'x'.repeat(n) }), headers: json })) },
  { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'json', '').map((type) => ({ body: '{"decision":"approve"}', headers: (type ? { 'content-type': type } : {}) as Record<string, string> })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ body: Buffer.from(bytes).toString('base64'), headers: { 'content-type': 'application/octet-stream' }, isBase64Encoded: true })) },
  { weight: 1, arbitrary: fc.record({ decision: fc.constantFrom('approve', 'reject'), n: hostileNumber }).map((v) => ({ body: JSON.stringify({ ...v, editedArgs: { n: v.n } }).replace('"n":', '"unknownField":'), headers: json })) },
);

describe('bad input to POST /approvals/{id}/respond', () => {
  it('answers every malformed, oversize, deep, mistyped or unknown body with a 4xx and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(badRespondBody, async (body) => {
        expect4xx(await send({ method: 'POST', path: respondPath(), identity: identities.approver, ...body }));
      }),
      opts(2_000),
    );
    await expectUnchanged();
  });

  it('answers a well-formed decision from someone who may not decide with 401 or 403 and changes nothing', async () => {
    const notAnApprover = fc.oneof(
      fc.constant(null),
      fc.constantFrom(identities.outsider, identities.requester, { user: 'alice', groups: 'approvers' }, { user: 'x'.repeat(129), groups: 'approvers' }, { user: '', groups: 'approvers' }),
      fc.record({ user: nastyString.filter((u) => u !== 'bob' && u.trim() !== 'bob'), groups: fc.oneof(nastyString, fc.constant('users')) }).filter((id) => !/(^|[\s,[])approvers([\s,\]]|$)/.test(id.groups)),
    );
    await fc.assert(
      fc.asyncProperty(notAnApprover, fc.constantFrom('approve', 'reject'), async (identity, decision) => {
        const result = await send({ method: 'POST', path: respondPath(), identity, headers: json, body: JSON.stringify({ decision }) });
        expect([401, 403]).toContain(result.statusCode);
      }),
      opts(800),
    );
    await expectUnchanged();
  });

  it('refuses well-formed decisions whose edited arguments DynamoDB cannot store with a 400, and changes nothing', async () => {
    const unstorable = fc.oneof(
      hostileNumber.map((n) => ({ amount: n })),
      fc.integer({ min: 21, max: 200 }).map((depth) => ({ nested: JSON.parse(deepJson(depth)) as unknown })),
    );
    await fc.assert(
      fc.asyncProperty(unstorable, async (editedArgs) => {
        const result = await send({ method: 'POST', path: `/approvals/${schemaless.requestId}/respond`, identity: identities.approver, headers: json, body: JSON.stringify({ decision: 'approve', editedArgs }) });
        expect(result.statusCode).toBe(400);
      }),
      opts(300),
    );
    expect(await app.deps.store.get(schemaless.requestId)).toEqual(schemalessSnapshot);
  });
});

const ID_ROUTES: { method: string; path: (id: string) => string; body?: string }[] = [
  { method: 'GET', path: (id) => `/approvals/${id}` },
  { method: 'GET', path: (id) => `/approvals/${id}/events` },
  { method: 'POST', path: (id) => `/approvals/${id}/respond`, body: '{"decision":"approve"}' },
  { method: 'GET', path: (id) => `/executions/${id}` },
  { method: 'GET', path: (id) => `/flows/${id}` },
  { method: 'GET', path: (id) => `/flows/${id}/revisions` },
  { method: 'POST', path: (id) => `/flows/${id}/executions`, body: '{"input":{"message":"hello"}}' },
];

describe('ids in paths', () => {
  it('answers traversal, encodings, near-misses and unknown ids on every id route with a 4xx', async () => {
    await fc.assert(
      // An empty id is the list route itself (`/approvals/`), not a bad id.
      fc.asyncProperty(fc.constantFrom(...ID_ROUTES), badIdSegment.filter((id) => id.length > 0), fc.constantFrom(identities.approver, identities.admin), async (route, id, identity) => {
        const result = await send({ method: route.method, path: route.path(id), identity, headers: json, body: route.body ?? null });
        expect4xx(result, `${route.method} ${route.path(id).slice(0, 80)}`);
      }),
      opts(1_500),
    );
    await expectUnchanged();
  });
});

const enc = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** Cursors nobody issued: random text, base64 of non-objects, objects of the wrong shape or partition, or right-shaped keys pointing anywhere. */
const forgedCursor = fc.oneof(
  nastyString,
  fc.base64String({ maxLength: 200 }),
  fc.jsonValue().map(enc),
  fc.record({ pk: nastyString, sk: nastyString }, { requiredKeys: [] }).map(enc),
  fc.record({ pk: fc.string({ minLength: 1 }), sk: fc.string({ minLength: 1 }), gsi1pk: fc.constantFrom('PENDING', 'DUE', 'x'), gsi1sk: fc.string({ minLength: 1 }) }).map(enc),
  fc.record({ pk: fc.string({ minLength: 1 }), sk: fc.string({ minLength: 1 }), gsi4pk: fc.constantFrom('DECIDED', 'AUDIT'), gsi4sk: fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('0', '2000', '9999~', '~')) }).map(enc),
  fc.record({ pk: fc.oneof(fc.constant(`EXEC#${'x'}`), fc.string({ minLength: 1 })), sk: fc.oneof(fc.constantFrom('AUD#0000000001', 'ZZZ', 'AUD#', 'A'), fc.string({ minLength: 1 })) }).map(enc),
  fc.string({ minLength: 2049, maxLength: 3000 }),
);

const time = fc.oneof(
  fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('yesterday', '2026-13-01T00:00:00Z', '2026-01-01', '0000-00-00T00:00:00Z', '2026-01-01T00:00:00+99:00', '1e9', ''),
);
const limit = fc.oneof(fc.constantFrom('-5', '0', '101', '1e309', 'NaN', '', '0x10', '2.5', ' 7', '1'.repeat(400), 'Infinity', '-0'), fc.integer().map(String), fc.double().map(String));

const LISTS = [
  { path: '/approvals', schema: ListApprovalsQuerySchema, keys: ['status', 'limit', 'cursor', 'workflow', 'node'] },
  { path: '/history', schema: HistoryQuerySchema, keys: ['limit', 'cursor', 'from', 'to', 'workflow', 'approver'] },
  { path: '/audit', schema: AuditQuerySchema, keys: ['limit', 'cursor', 'execution', 'workflow', 'from', 'to'] },
  { path: '/audit/export', schema: AuditExportQuerySchema, keys: ['from', 'to', 'cursor', 'workflow'] },
  { path: '/audit/verify', schema: AuditVerifyQuerySchema, keys: ['execution'] },
  { path: '/stats', schema: StatsQuerySchema, keys: ['from', 'to'] },
] as const;

const queryValue = (key: string) =>
  key === 'limit' ? limit : key === 'cursor' ? forgedCursor : key === 'from' || key === 'to' ? time : fc.oneof(nastyString, fc.string({ minLength: 129, maxLength: 3000 }));

describe('query strings of the list routes', () => {
  it('answers every query its schema refuses with a 400', async () => {
    const arbitrary = fc.constantFrom(...LISTS).chain((list) =>
      fc
        .tuple(
          fc.constant(list),
          fc.dictionary(fc.oneof(fc.constantFrom(...list.keys), nastyString), nastyString, { maxKeys: 4 }),
          fc.record(Object.fromEntries(list.keys.map((k) => [k, queryValue(k)])), { requiredKeys: [] }),
        )
        .map(([l, extra, known]) => ({ list: l, query: { ...extra, ...known } as Record<string, string> })),
    ).filter(({ list, query }) => !list.schema.safeParse(query).success);
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ list, query }) => {
        // Approvers list pending requests; the other lists are the auditors'.
        const identity = list.path === '/approvals' ? identities.approver : identities.auditor;
        const result = await send({ method: 'GET', path: list.path, query, identity });
        expect(result.statusCode).toBe(400);
      }),
      opts(1_500),
    );
  });

  it('answers forged and reused cursors on schema-valid queries with a 400 or a page, never a 5xx', async () => {
    const arbitrary = fc.record({
      list: fc.constantFrom('/approvals', '/history', '/audit', '/audit/export'),
      cursor: forgedCursor,
      from: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
      days: fc.integer({ min: 0, max: 400 }),
      execution: fc.oneof(fc.constant(target?.executionArn ?? 'x'), fc.string({ minLength: 1, maxLength: 100 })),
      ranged: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        const to = new Date(c.from.getTime() + c.days * 86_400_000).toISOString();
        const query: Record<string, string> = { cursor: c.cursor };
        if (c.list === '/audit/export' || (c.ranged && c.list !== '/approvals')) Object.assign(query, { from: c.from.toISOString(), to });
        if (c.list === '/audit' && !c.ranged) query.execution = c.execution.includes('x') ? target.executionArn : c.execution;
        const result = await send({ method: 'GET', path: c.list, query, identity: c.list === '/approvals' ? identities.approver : identities.auditor });
        if (result.statusCode !== 200) expect(result.statusCode).toBe(400);
      }),
      opts(1_500),
    );
    await expectUnchanged();
  });
});

describe('routes and methods that do not exist, and anything at all', () => {
  it('answers unknown paths and methods with a 4xx', async () => {
    const known = new Set(app?.routes.map((r) => `${r.method} ${r.path}`) ?? []);
    const arbitrary = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'FOO'),
      path: fc.oneof(
        // API Gateway never sends an empty path (it is at least "/"), so none is generated.
        fc.constantFrom('/approval', '//approvals', '/APPROVALS', '/approvals/x/y/z', '/links', '/slack', '/.env', '/admin', '/%2e%2e/%2e%2e/etc/passwd'),
        fc.webPath(),
        nastyString.map((s) => `/${s}`),
      ),
    }).filter(({ method, path }) => path.startsWith('/') && !known.has(`${method} ${path}`) && !known.has(`${method} ${path.replace(/\/$/, '')}`) && !/^\/(approvals|executions|flows|links)\/[^/]+/.test(path) && path !== '/');
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ method, path }) => {
        expect4xx(await send({ method, path, identity: identities.approver }), `${method} ${path}`);
      }),
      opts(500),
    );
  });

  it('never answers any generated event on any route with a 5xx, and never changes the pending request', async () => {
    const routes = app.routes;
    const event = fc.record({
      route: fc.constantFrom(...routes),
      id: fc.oneof(fc.constant(target.requestId), badIdSegment, fc.constantFrom('support-agent', 'policy-review', 'approve.x.y')),
      method: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), { nil: undefined }),
      query: fc.option(fc.dictionary(fc.oneof(fc.constantFrom('limit', 'cursor', 'from', 'to', 'workflow', 'execution', 'status'), nastyString), fc.oneof(nastyString, forgedCursor), { maxKeys: 3 }), { nil: null }),
      headers: fc.dictionary(fc.constantFrom('content-type', 'x-slack-signature', 'x-slack-request-timestamp', 'accept', 'content-length', 'x-forwarded-for'), nastyString, { maxKeys: 3 }),
      body: fc.option(fc.oneof(fc.json(), nastyString, fc.jsonValue().map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`)), { nil: null }),
      identity: anyIdentity.filter((id) => id === null || (id.user !== 'bob' && !/approvers/.test(id.groups) && id.user !== 'erin')),
      isBase64Encoded: fc.boolean(),
    })
      // The requester (alice) and admins may cancel the target: a valid cancel by them is a change on purpose.
      .filter((e) => !(e.route.path.endsWith('/cancel') && e.identity !== null && (e.identity.user === 'alice' || /admins/.test(e.identity.groups))));
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const path = e.route.path.replace(/\{[^}]+\}/g, e.id.replace(/\//g, '%2F'));
        await send({ method: e.route.method === 'ANY' ? (e.method ?? 'GET') : e.method ?? e.route.method, path, query: e.query, headers: e.headers, body: e.body, identity: e.identity, isBase64Encoded: e.isBase64Encoded && e.body !== null });
      }),
      opts(1_500),
    );
    await expectUnchanged();
  });
});
