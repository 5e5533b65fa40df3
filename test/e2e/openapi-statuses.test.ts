import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedStatuses } from '#handlers/api/openapi';
import type { Route } from '#handlers/api/routes';
import { startLocalApp, type LocalApp } from '#local/app';
import { everyRouteModules } from '#local/openapi-document';
import { APPROVER, call } from '../support/http.ts';

/** A caller in every group, so that probes get past the identity checks to the input checks. */
const EVERYONE = { 'x-user': 'root', 'x-groups': 'admins,auditors,agents,approvers' };
const AGENT = { 'x-user': 'status-bot', 'x-groups': 'agents' };
let app: LocalApp;

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: everyRouteModules() });
});
afterAll(async () => app.close());

interface Probe {
  readonly what: string;
  readonly path: string;
  readonly as: Record<string, string> | null;
  readonly headers?: Record<string, string>;
  readonly raw?: string;
}

/** Calls a route cannot be sure of: no identity, ids it does not know, bodies too big, not JSON or empty, queries it does not take. */
function probesOf(route: Route): Probe[] {
  const path = route.path.replace(/\{[^}]+\}/g, 'zz-unknown-0');
  const doc = route.doc!;
  const type = doc.bodyType ?? 'application/json';
  // Routes that read a body get one, so that the probe reaches past the body parser.
  const someBody = doc.body ? { headers: { 'content-type': type }, raw: '{}' } : {};
  const probes: Probe[] = [
    { what: 'no identity', path, as: null, ...someBody },
    { what: 'unknown ids', path, as: EVERYONE, ...someBody, headers: { ...someBody.headers, 'Idempotency-Key': 'k-1' } },
  ];
  if (doc.query) probes.push({ what: 'a query out of range', path: `${path}?limit=-1&waitSeconds=99&bogus=1`, as: EVERYONE, ...someBody });
  if (doc.body) {
    probes.push(
      { what: 'a body too large', path, as: EVERYONE, headers: { 'content-type': type }, raw: `{"x":"${'a'.repeat(70 * 1024)}"}` },
      { what: 'a body of another type', path, as: EVERYONE, headers: { 'content-type': 'text/plain' }, raw: 'hello' },
      { what: 'a malformed body', path, as: EVERYONE, headers: { 'content-type': type }, raw: '{"unclosed' },
      { what: 'an empty object', path, as: EVERYONE, headers: { 'content-type': type }, raw: '{}' },
    );
  }
  return probes;
}

describe('the statuses the OpenAPI document lists', () => {
  it("include every status a route answers to calls it cannot be sure of, and none of them is a 5xx", async () => {
    // Prepare
    const documented = app.routes.filter((route) => route.doc);
    const surprises: string[] = [];

    // Act
    for (const route of documented) {
      const methods = route.method === 'ANY' ? ['GET', 'POST'] : [route.method];
      for (const method of methods) {
        for (const probe of probesOf(route)) {
          const answer = await call(app.url, method, probe.path, { as: probe.as, headers: probe.headers ?? {}, ...(probe.raw !== undefined && method !== 'GET' ? { raw: probe.raw } : {}) });
          if (!documentedStatuses(route).includes(answer.status) || answer.status >= 500) {
            surprises.push(`${method} ${route.path} with ${probe.what}: ${answer.status} ${answer.text.slice(0, 120)}`);
          }
        }
      }
    }

    // Assess
    expect(documented.length).toBeGreaterThan(20);
    expect(surprises).toEqual([]);
  }, 120_000);

  it('list for respond what the README says it answers', () => {
    const respond = app.routes.find((route) => route.method === 'POST' && route.path === '/approvals/{id}/respond')!;
    expect(documentedStatuses(respond)).toEqual(expect.arrayContaining([200, 202, 400, 401, 403, 404, 409, 410, 413, 415]));
  });

  it('include the conflicts an agent and an approver meet', async () => {
    // Prepare
    const ask = (amount: number) =>
      call(app.url, 'POST', '/gates/refund-approval/requests', {
        as: AGENT,
        headers: { 'Idempotency-Key': 'same-key' },
        body: { action: { kind: 'tool_call', toolCall: { id: 'c-1', name: 'refund', args: { orderId: 'A-1', amount } } } },
      });
    const route = (method: string, path: string) => app.routes.find((r) => r.method === method && r.path === path)!;

    // Act
    const created = await ask(10);
    const conflict = await ask(11);
    const approved = await call(app.url, 'POST', `/approvals/${created.body.id}/respond`, { as: APPROVER, body: { decision: 'approve' } });
    const secondDecision = await call(app.url, 'POST', `/approvals/${created.body.id}/respond`, { as: APPROVER, body: { decision: 'reject' } });
    const notAnAgent = await call(app.url, 'POST', '/gates/refund-approval/requests', { as: APPROVER, headers: { 'Idempotency-Key': 'k-2' }, body: {} });

    // Assess
    const asking = documentedStatuses(route('POST', '/gates/{gateId}/requests'));
    const responding = documentedStatuses(route('POST', '/approvals/{id}/respond'));
    expect([created.status, conflict.status, notAnAgent.status]).toEqual([201, 409, 403]);
    expect(asking).toEqual(expect.arrayContaining([created.status, conflict.status, notAnAgent.status]));
    expect([approved.status, secondDecision.status]).toEqual([200, 409]);
    expect(responding).toEqual(expect.arrayContaining([approved.status, secondDecision.status]));
  });
});

describe('the security the OpenAPI document lists', () => {
  it('names SigV4 on exactly the routes API Gateway lets IAM principals call', async () => {
    // Prepare
    const { GATE_ROUTES } = await import('#infra/constructs/api-routes');
    const doc = (await call(app.url, 'GET', '/openapi.json', { as: EVERYONE })).body;

    // Act
    const signed = Object.entries(doc.paths as Record<string, Record<string, { security: Record<string, unknown>[] }>>).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security.some((scheme) => 'sigv4' in scheme))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );

    // Assess
    const iam = GATE_ROUTES.filter((route) => route.authorization === 'iam').map((route) => `${route.method} ${route.path}`);
    expect(signed.sort()).toEqual(iam.sort());
    expect(doc.servers.map((server: { url: string }) => server.url)).toEqual(['http://127.0.0.1:3000', 'https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}']);
  });
});
