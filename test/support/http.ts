export const APPROVER = { 'x-user': 'bob', 'x-groups': 'approvers' };
export const REQUESTER = { 'x-user': 'alice', 'x-groups': 'users' };
export const OUTSIDER = { 'x-user': 'eve', 'x-groups': 'users' };
/** Reads everything (the default admin group). */
export const ADMIN = { 'x-user': 'root', 'x-groups': 'admins' };
/** Reads history, the audit log and statistics (the default auditor group). */
export const AUDITOR = { 'x-user': 'irene', 'x-groups': 'auditors' };

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
}

/** Calls the local API as a given identity; the body is sent as JSON unless `raw` is given. */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string>; as?: Record<string, string> | null } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(options.as === null ? {} : (options.as ?? APPROVER)), ...(options.headers ?? {}) };
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text };
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
