import type { ToolContext, ToolDelivery } from './tool.ts';
import { ToolCallError } from './tool-errors.ts';
import type { ToolSecrets } from './tool-secrets.ts';
import type { HttpTool } from './tool-spec.ts';

export interface HttpToolDeps {
  readonly secrets: ToolSecrets;
  readonly fetch?: typeof fetch;
  /** Waits between retries; real time by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRY_BASE_MS = 200;

/**
 * Runs one call of an HTTP tool: the arguments go in the URL placeholders and as the JSON body (not
 * for GET/DELETE), with the call's `Idempotency-Key`. Secret headers are resolved here and live only
 * in the request. Each attempt is bounded by the tool's timeout; 5xx and 429 answers and unreachable
 * endpoints are retried for idempotent tools only (an at_most_once tool is tried once). The answer is
 * read up to the size limit and parsed as JSON when it is JSON.
 */
export async function runHttpTool(
  deps: HttpToolDeps,
  tool: { readonly name: string; readonly delivery: ToolDelivery; readonly http: HttpTool },
  args: Record<string, unknown>,
  context: ToolContext,
): Promise<unknown> {
  const { http } = tool;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': context.idempotencyKey };
  for (const [name, value] of Object.entries(http.headers)) {
    headers[name.toLowerCase()] = typeof value === 'string' ? value : await resolveSecret(deps.secrets, tool.name, value.secretRef);
  }
  const url = fillTemplate(http.url, args);
  const withBody = http.method !== 'GET' && http.method !== 'DELETE';
  const attempts = tool.delivery === 'idempotent' ? 1 + http.retries : 1;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(deps.fetch ?? fetch, tool.name, http, url, { method: http.method, headers, ...(withBody ? { body: JSON.stringify(args) } : {}) });
    } catch (error) {
      if (!(error instanceof ToolCallError) || !error.transient || attempt >= attempts) throw error;
      await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
    }
  }
}

async function resolveSecret(secrets: ToolSecrets, toolName: string, ref: string): Promise<string> {
  try {
    return await secrets.resolve(ref);
  } catch {
    throw new ToolCallError(`${toolName} could not be called: its secret "${ref}" is not available`, false);
  }
}

async function attemptOnce(fetchFn: typeof fetch, toolName: string, http: HttpTool, url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(http.timeoutMs) });
  } catch (error) {
    const timedOut = (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError';
    throw new ToolCallError(
      timedOut ? `${toolName} did not answer within ${http.timeoutMs} ms` : `${toolName} could not be reached (${hostOf(url)})`,
      true,
      { cause: error, mayHaveHappened: timedOut || !neverSent(error) },
    );
  }
  const body = await readLimited(response, http.maxResponseBytes, toolName);
  if (!response.ok) {
    const transient = response.status >= 500 || response.status === 429;
    throw new ToolCallError(`${toolName} answered HTTP ${response.status}`, transient, { mayHaveHappened: response.status >= 500 });
  }
  if (!body) return { status: response.status };
  try {
    return JSON.parse(body);
  } catch {
    return { status: response.status, text: body };
  }
}

async function readLimited(response: Response, limit: number, toolName: string): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ToolCallError(`${toolName} answered with more than ${limit} bytes`, false);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The URL with each `{name}` replaced by the URL-encoded argument of that name (empty when absent). */
export function fillTemplate(template: string, args: Record<string, unknown>): string {
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (_, name: string) => {
    const value = args[name];
    return value === undefined || value === null ? '' : encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value));
  });
}

/** Errors that mean the request never left (no connection, no such host): nothing can have happened. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

function neverSent(error: unknown): boolean {
  const code = ((error as { cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code) as string | undefined;
  return code !== undefined && NOT_SENT_CODES.has(code);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
