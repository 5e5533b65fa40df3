import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.d.ts';

/** A client of the hitl-approvals API, typed by its OpenAPI document. */
export type HitlClient = Client<paths>;

export interface HitlClientOptions {
  /** The API's base URL: `http://127.0.0.1:3000` locally, the stage URL on AWS. */
  readonly baseUrl: string;
  /** Headers sent with every call: `Authorization: Bearer <Cognito ID token>`, or locally `x-user` and `x-groups`. */
  readonly headers?: Record<string, string>;
  /** A fetch that signs requests (SigV4 for IAM principals on the agent routes); the global fetch by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** A typed client: `client.GET('/approvals/{id}/decision', { params: { path: { id } } })`. */
export function createHitlClient(options: HitlClientOptions): HitlClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
