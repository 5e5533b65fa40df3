import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ChannelError } from '../../channels/errors.ts';

/** Form posts here are a few fields; anything bigger is not from our pages or from Slack. */
export const MAX_FORM_BYTES = 64 * 1024;

/** The body exactly as sent (API Gateway base64-encodes non-text bodies), refused above `maxBytes`. */
export function rawBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>, maxBytes = MAX_FORM_BYTES): string {
  const body = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text) > maxBytes) throw new ChannelError(`request body above ${maxBytes} bytes`, 413);
  return text;
}

/** A header by name, whatever case the caller (or API Gateway) used. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value ?? undefined;
  return undefined;
}

/** An application/x-www-form-urlencoded body; refuses other content types with 415. */
export function formBody(event: APIGatewayProxyEvent): URLSearchParams {
  const type = header(event, 'content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded(;|$)/i.test(type)) throw new ChannelError('expected a form (application/x-www-form-urlencoded)', 415);
  return new URLSearchParams(rawBody(event));
}
