import { identityHeaders, type Identity } from '../auth/identity.ts';
import type { Issue } from './types.ts';

export type { Issue };

/** A non-2xx answer: its status, the API's message, and the field issues of a 400. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: readonly Issue[],
  ) {
    super(message);
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Calls the API relative to the page, as the signed-in identity; resolves to the parsed JSON body. */
export type Api = <T>(method: HttpMethod, path: string, body?: unknown) => Promise<T>;

interface ErrorBody {
  error?: { message?: string; issues?: Issue[] };
  message?: string;
}

/** The API client for `identity()` (read on each call, so signing in or out needs no new client). */
export function createApi(identity: () => Identity | null): Api {
  const base = location.pathname.replace(/[^/]*$/, '');
  return async <T>(method: HttpMethod, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {
      accept: 'application/json',
      // Decisions sent from here are recorded with channel "dashboard" rather than "api".
      'x-hitl-channel': 'dashboard',
      ...identityHeaders(identity()),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data ?? {}) as ErrorBody;
      throw new ApiError(error.error?.message ?? error.message ?? `HTTP ${response.status}`, response.status, error.error?.issues ?? []);
    }
    return data as T;
  };
}

/** A path segment, encoded. */
export const segment = (value: string): string => encodeURIComponent(value);
