import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '#core/request';
import { startLocalApp, type LocalApp } from '#local/app';
import { channelsModule } from '#local/channels-module';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { deepJson, identities, nastyString } from '../support/fuzz.ts';
import { startPausedExecutions, type PausedExecution } from '../support/paused-executions.ts';

/**
 * The smaller share of the fuzzing that goes over real HTTP to the local server on 127.0.0.1, for
 * what only a socket exercises: raw bytes in bodies, invalid percent-encoding and odd characters in
 * paths, headers as clients really send them, bodies up to a few hundred KB.
 */
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const opts = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });

let app: LocalApp;
let target: PausedExecution;
let snapshot: ApprovalRequest | undefined;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
let generated = 0;

beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [channelsModule({ mail: new MemoryMailSender(), env: {} })] });
  [target] = await startPausedExecutions(app, 1);
  snapshot = await app.deps.store.get(target.requestId);
});
afterAll(async () => {
  agent.destroy();
  await app?.close();
  console.info(`api fuzz (over HTTP): ${generated} requests`);
});

function send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; text: string }> {
  const url = new URL(app.url);
  if (url.hostname !== '127.0.0.1') throw new Error('fuzzing only ever targets this machine');
  generated++;
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, agent, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Path bytes a client may put on the wire: printable ASCII, raw UTF-8 escaped as %XX, and broken escapes. */
const pathSegment = () => fc.oneof(
  fc.constantFrom(target.requestId, '%zz', '%', '%2', '%E0%A4%A', '%C0%AF', '%2e%2e', '..', '%00', '%FF%FE', ';', '%3B', '~', 'apr_%41aaaaaaaaaaaaaaaaaaaaaaaaa', 'links', 'approvals', 'respond', '__proto__', 'constructor', 'valueOf', 'toString'),
  nastyString.map((s) => encodeURIComponentLoose(s)),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{0,30}$/),
);

/** encodeURIComponent, except that lone surrogates (which it refuses) become %ED%A0%80-style bytes. */
function encodeURIComponentLoose(text: string): string {
  return [...text].map((ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
}

const body = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc.integer({ min: 64 * 1024, max: 400 * 1024 }).map((n) => Buffer.alloc(n, 'a')),
  fc.integer({ min: 100, max: 30_000 }).map((depth) => Buffer.from(deepJson(depth))),
  fc.constantFrom('{"decision":"approve"', '{"decision":"approve"}\u0000', '\ufeff{"decision":"approve"}', '{"decision":"\ud800"}').map((s) => Buffer.from(s)),
);

describe('raw HTTP against the local server', () => {
  it('never answers 5xx, whatever the method, path, headers and body, and never changes the pending request', async () => {
    const arbitrary = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      segments: fc.array(pathSegment(), { minLength: 1, maxLength: 4 }),
      prefix: fc.constantFrom('', '/approvals', '/links', '/audit', '/history', '/slack'),
      query: fc.option(fc.array(fc.tuple(pathSegment(), pathSegment()), { maxLength: 3 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')), { nil: undefined }),
      // Anyone but an approver of the pending request, so nothing generated may legitimately decide it
      who: fc.constantFrom<Record<string, string>>({}, { 'x-user': identities.outsider.user, 'x-groups': identities.outsider.groups }, { 'x-user': 'alice', 'x-groups': 'users' }, { 'x-user': 'x'.repeat(300) }, { 'x-groups': 'approvers' }),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data; boundary=--x', ''),
      body: fc.option(body, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        const path = `${c.prefix}/${c.segments.join('/')}${c.query !== undefined ? `?${c.query}` : ''}`;
        const headers: Record<string, string> = { ...c.who, ...(c.contentType ? { 'content-type': c.contentType } : {}) };
        const res = await send(c.method, path, headers, c.method === 'GET' ? undefined : c.body);
        if (res.status >= 500) throw new Error(`${c.method} ${path.slice(0, 120)} answered ${res.status}: ${res.text.slice(0, 300)}`);
      }),
      opts(600),
    );
    expect(await app.deps.store.get(target.requestId)).toEqual(snapshot);
  });

  it('answers bad decisions from the approver over HTTP with a 4xx and changes nothing', async () => {
    const arbitrary = fc.record({
      body,
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
    }).filter(({ body: b, contentType }) => {
      // Exclude the rare valid decision: a JSON object with a valid decision sent as JSON
      try {
        const parsed = JSON.parse(b.toString('utf8'));
        return !(contentType === 'application/json' && parsed && typeof parsed === 'object' && ['approve', 'reject'].includes(parsed.decision));
      } catch {
        return true;
      }
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ body: b, contentType }) => {
        const res = await send('POST', `/approvals/${target.requestId}/respond`, { 'x-user': 'bob', 'x-groups': 'approvers', ...(contentType ? { 'content-type': contentType } : {}) }, b);
        if (res.status < 400 || res.status >= 500) throw new Error(`answered ${res.status}: ${res.text.slice(0, 300)}`);
      }),
      opts(300),
    );
    expect(await app.deps.store.get(target.requestId)).toEqual(snapshot);
  });
});
