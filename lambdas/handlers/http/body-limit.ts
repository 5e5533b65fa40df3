import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PayloadTooLargeError } from '#core/errors';

/** Refuses bodies above `maxBytes` before anything parses them. */
export function bodyLimit(maxBytes: number): MiddlewareObj<APIGatewayProxyEvent> {
  return {
    before: async (request) => {
      const body = request.event.body;
      if (typeof body !== 'string') return;
      const bytes = request.event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
      if (bytes > maxBytes) throw new PayloadTooLargeError(`request body is ${bytes} bytes; at most ${maxBytes} are accepted`);
    },
  };
}
