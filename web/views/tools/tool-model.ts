import type { Issue, StoredTool, ToolBody, ToolSpec } from '../../api/types.ts';

export type ToolKind = 'http' | 'lambda' | 'mcp';
export type Delivery = ToolSpec['delivery'];
export type HttpMethod = NonNullable<ToolSpec['http']>['method'];

/** The same rule as the API's tool names (the name is the path of `PUT /tools/{name}`). */
export const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export const KINDS: readonly (readonly [ToolKind, string])[] = [
  ['http', 'HTTP endpoint'],
  ['lambda', 'Lambda function'],
  ['mcp', 'MCP server tool'],
];

export const DELIVERIES: readonly (readonly [Delivery, string])[] = [
  ['at_most_once', 'at most once (never repeated)'],
  ['idempotent', 'idempotent (safe to retry)'],
];

export const METHODS: readonly (readonly [HttpMethod, string])[] = (['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const).map((m) => [m, m] as const);

export function kindOf(spec: Pick<ToolSpec, 'http' | 'lambda'>): ToolKind {
  return spec.http ? 'http' : spec.lambda ? 'lambda' : 'mcp';
}

/** A header as the form edits it: by the name of a secret, or a plain (non-secret) value. */
export interface HeaderRow {
  readonly key: number;
  name: string;
  secret: boolean;
  value: string;
}

/** A tool as the form edits it: every runner's fields are kept, the chosen kind is sent. */
export interface ToolDraft {
  name: string;
  description: string;
  delivery: Delivery;
  readOnly: boolean;
  kind: ToolKind;
  http: { method: HttpMethod; url: string; headers: HeaderRow[]; limits: Partial<Pick<NonNullable<ToolSpec['http']>, 'timeoutMs' | 'retries' | 'maxResponseBytes'>> };
  lambda: { functionArn: string; localUrl: string; handler: string };
  mcp: { url: string; tool: string; timeoutMs?: number };
  schemaText: string;
}

let rowKeys = 0;
export const headerRow = (name = '', secret = true, value = ''): HeaderRow => ({ key: ++rowKeys, name, secret, value });

const EMPTY_SCHEMA = { type: 'object', properties: {}, additionalProperties: false };

/** A draft of `spec`, or of a new tool. */
export function draftOf(spec?: ToolSpec): ToolDraft {
  const lambda = spec?.lambda;
  return {
    name: spec?.name ?? '',
    description: spec?.description ?? '',
    delivery: spec?.delivery ?? 'at_most_once',
    readOnly: spec?.readOnly ?? false,
    kind: spec ? kindOf(spec) : 'http',
    http: {
      method: spec?.http?.method ?? 'POST',
      url: spec?.http?.url ?? '',
      headers: Object.entries(spec?.http?.headers ?? {}).map(([name, value]) => (typeof value === 'string' ? headerRow(name, false, value) : headerRow(name, true, value.secretRef))),
      limits: spec?.http ? { timeoutMs: spec.http.timeoutMs, retries: spec.http.retries, maxResponseBytes: spec.http.maxResponseBytes } : {},
    },
    lambda: {
      functionArn: lambda && 'functionArn' in lambda ? lambda.functionArn : '',
      localUrl: lambda && 'functionArn' in lambda ? (lambda.localUrl ?? '') : '',
      handler: lambda && 'handler' in lambda ? lambda.handler : '',
    },
    mcp: { url: spec?.mcp?.url ?? '', tool: spec?.mcp?.tool ?? '', ...(spec?.mcp ? { timeoutMs: spec.mcp.timeoutMs } : {}) },
    schemaText: JSON.stringify(spec?.argsSchema ?? EMPTY_SCHEMA, null, 2),
  };
}

/** The argument schema typed so far, or why it is no JSON object. */
export function parseSchema(text: string): { value: Record<string, unknown> } | { error: string } {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'must be a JSON object, such as {"type": "object", "properties": {}}' };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `is not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * The body of `PUT /tools/{name}` for the chosen kind. An MCP tool sends no schema: the server reads
 * it from the MCP server's tools/list when the tool is saved.
 */
export function bodyOf(draft: ToolDraft, argsSchema: Record<string, unknown> | undefined): ToolBody {
  const description = draft.description.trim();
  const base = { delivery: draft.delivery, readOnly: draft.readOnly, ...(description ? { description } : {}) };
  if (draft.kind === 'mcp') return { ...base, mcp: { url: draft.mcp.url.trim(), tool: draft.mcp.tool.trim(), ...(draft.mcp.timeoutMs ? { timeoutMs: draft.mcp.timeoutMs } : {}) } };
  const withSchema = { ...base, ...(argsSchema ? { argsSchema } : {}) };
  if (draft.kind === 'lambda') {
    const { functionArn, localUrl, handler } = draft.lambda;
    if (!functionArn.trim() && handler) return { ...withSchema, lambda: { handler } };
    return { ...withSchema, lambda: { functionArn: functionArn.trim(), ...(localUrl.trim() ? { localUrl: localUrl.trim() } : {}) } };
  }
  const headers = Object.fromEntries(draft.http.headers.filter((row) => row.name.trim()).map((row) => [row.name.trim(), row.secret ? { secretRef: row.value.trim() } : row.value]));
  return { ...withSchema, http: { method: draft.http.method, url: draft.http.url.trim(), headers, ...draft.http.limits } };
}

/** The field paths the editor shows for `draft`; each shows the issues under its path. */
export function toolFieldPaths(draft: ToolDraft): string[] {
  const runner = {
    http: ['http', 'http.method', 'http.url', 'http.headers', ...draft.http.headers.map((row) => `http.headers.${row.name.trim()}`)],
    lambda: ['lambda', 'lambda.functionArn', 'lambda.localUrl'],
    mcp: ['mcp', 'mcp.url', 'mcp.tool'],
  }[draft.kind];
  return ['name', 'description', 'delivery', 'readOnly', 'argsSchema', ...runner];
}

/** A one-line account of how a tool runs. */
export function runnerOf(spec: ToolSpec): string {
  if (spec.http) return `HTTP ${spec.http.method} ${spec.http.url}`;
  if (spec.lambda) return 'handler' in spec.lambda ? `Lambda handler ${spec.lambda.handler} (in this code base)` : `Lambda ${spec.lambda.functionArn}`;
  return spec.mcp ? `MCP tool ${spec.mcp.tool} at ${spec.mcp.url}` : '';
}

export const sourceOf = (tool: StoredTool): string => (tool.source === 'file' ? 'shipped' : 'saved');

export type { Issue };
