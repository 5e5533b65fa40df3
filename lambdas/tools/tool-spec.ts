import * as z from 'zod';
import { ToolDeliverySchema } from './tool.ts';

/** A tool name as flows and the API use it. */
export const ToolNamePattern = /^[a-z][a-z0-9_]{0,63}$/;

/** A header value given inline (not secret) or by the name of a secret resolved when the tool runs. */
export const HeaderValueSchema = z.union([
  z.string().max(4096),
  z.object({ secretRef: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a secret name or ARN') }).strict(),
]);
export type HeaderValue = z.infer<typeof HeaderValueSchema>;

const HeaderNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name');

/** Header names that carry credentials: their values must come from a secret, never inline. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie']);

const HttpUrlSchema = z.string().max(2048).refine((url) => /^https?:\/\//.test(url) && URL.canParse(url.replace(/\{[a-zA-Z0-9_]+\}/g, 'x')), 'must be an http(s) URL (placeholders such as {orderId} allowed)');

/** An HTTP tool: one request per call, with the arguments as JSON body (or in the URL template). */
export const HttpToolSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** `{name}` placeholders are filled with the (URL-encoded) argument of that name. */
    url: HttpUrlSchema,
    headers: z
      .record(HeaderNameSchema, HeaderValueSchema)
      .superRefine((headers, ctx) => {
        for (const [name, value] of Object.entries(headers)) {
          if (typeof value === 'string' && CREDENTIAL_HEADERS.has(name.toLowerCase())) {
            ctx.addIssue({ code: 'custom', path: [name], message: 'a credential header must name a secret: {"secretRef":"<secret name>"}' });
          }
        }
      })
      .default({}),
    timeoutMs: z.number().int().min(100).max(25_000).default(10_000),
    /** Extra attempts on 5xx and 429 answers; used only by idempotent tools. */
    retries: z.number().int().min(0).max(3).default(2),
    maxResponseBytes: z.number().int().min(1).max(1_000_000).default(256_000),
  })
  .strict();
export type HttpTool = z.infer<typeof HttpToolSchema>;

/** A Lambda tool: a registered handler of this code base, or a function ARN invoked with `{args, idempotencyKey}`. */
export const LambdaToolSchema = z.union([
  z.object({ handler: z.string().regex(ToolNamePattern, 'must be a registered tool handler such as refund') }).strict(),
  z
    .object({
      functionArn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]{1,64}(:[A-Za-z0-9-_$]+)?$/, 'must be a Lambda function ARN'),
      /** Locally: the URL that stands in for the function (it receives the same JSON payload by POST). */
      localUrl: HttpUrlSchema.optional(),
    })
    .strict(),
]);
export type LambdaTool = z.infer<typeof LambdaToolSchema>;

/** An MCP tool: a tool of an MCP server over streamable HTTP. */
export const McpToolSchema = z
  .object({
    url: HttpUrlSchema,
    tool: z.string().min(1).max(128),
    timeoutMs: z.number().int().min(100).max(25_000).default(10_000),
  })
  .strict();
export type McpTool = z.infer<typeof McpToolSchema>;

/** A JSON Schema of a tool's arguments: an object schema, as models and approvers' edits need. */
export const ArgsJsonSchema = z
  .record(z.string(), z.unknown())
  .refine((schema) => schema.type === 'object', 'must be a JSON Schema with "type": "object"')
  .refine((schema) => JSON.stringify(schema).length <= 32_000, 'must be at most 32000 characters of JSON');

const ToolSpecFields = z.object({
  name: z.string().regex(ToolNamePattern, 'must be a lower-case name such as open_ticket'),
  description: z.string().min(1).max(1024),
  argsSchema: ArgsJsonSchema,
  delivery: ToolDeliverySchema,
  /** True for tools without side effects. @default false */
  readOnly: z.boolean().default(false),
  lambda: LambdaToolSchema.optional(),
  http: HttpToolSchema.optional(),
  mcp: McpToolSchema.optional(),
});

/**
 * A tool as data (a file in `tools/`, or a table item saved by an admin): its name, description, the
 * JSON Schema of its arguments, its delivery contract, and exactly one way to run it.
 */
export const ToolSpecSchema = ToolSpecFields.strict().superRefine((spec, ctx) => {
  const kinds = (['lambda', 'http', 'mcp'] as const).filter((kind) => spec[kind] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({ code: 'custom', path: kinds.length ? [kinds[1] ?? kinds[0]!] : ['http'], message: 'a tool has exactly one of lambda, http or mcp' });
  }
});
export type ToolSpecData = z.infer<typeof ToolSpecSchema>;
export type ToolSpecInput = z.input<typeof ToolSpecSchema>;

/** The body of `PUT /tools/{name}`: a tool spec whose name comes from the path. */
export const ToolBodySchema = ToolSpecFields.omit({ name: true })
  .extend({ name: z.string().optional(), description: z.string().min(1).max(1024).optional(), argsSchema: ArgsJsonSchema.optional() })
  .strict()
  .describe('A tool: description, argsSchema (JSON Schema), delivery, and exactly one of lambda, http or mcp. Secrets are named with {"secretRef": "..."}, never given inline. An MCP tool\'s description and argsSchema are read from its server.');

/** Which way a tool runs. */
export function kindOf(spec: ToolSpecData): 'lambda' | 'http' | 'mcp' {
  return spec.lambda ? 'lambda' : spec.http ? 'http' : 'mcp';
}

/** A stored tool: its spec and who saved it when; shipped tools come from files. */
export const StoredToolSchema = z.object({
  spec: ToolSpecSchema,
  source: z.enum(['file', 'saved']),
  savedBy: z.string().optional(),
  savedAt: z.string().optional(),
});
export type StoredTool = z.infer<typeof StoredToolSchema>;
