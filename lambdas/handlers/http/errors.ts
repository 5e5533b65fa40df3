import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HitlError, PolicyRefusedError, ValidationError, httpStatusOf } from '#core/errors';
import { logger } from '../logger.ts';
import { json } from './responses.ts';

interface MiddyHttpError {
  statusCode: number;
  expose?: boolean;
  message: string;
  cause?: { package?: string };
}

function isMiddyHttpError(error: unknown): error is MiddyHttpError {
  const status = (error as MiddyHttpError | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Maps any error to a JSON problem: HitlErrors by their code, middy's HTTP errors as they are, the rest 500. */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof HitlError) {
    const status = httpStatusOf(error);
    if (status >= 500) logger.error('request failed', { error });
    return json(status, {
      error: {
        code: error.code,
        message: error.message,
        ...(error instanceof ValidationError && error.issues.length ? { issues: error.issues } : {}),
        ...(error instanceof PolicyRefusedError ? policyOf(error) : {}),
      },
    });
  }
  if (isMiddyHttpError(error)) {
    // middy's JSON parser answers a malformed body with 415; it is bad input, so 400 names it.
    const malformed = error.cause?.package === '@middy/http-json-body-parser' && /malformed/i.test(error.message);
    if (malformed) return json(400, { error: { code: 'ValidationError', message: 'malformed JSON body', issues: [{ path: 'body', message: 'not valid JSON' }] } });
    const code = error.statusCode === 404 ? 'NotFound' : error.statusCode === 415 ? 'UnsupportedMediaType' : 'BadRequest';
    return json(error.statusCode, { error: { code, message: error.message } });
  }
  logger.error('unexpected error', { error });
  return json(500, { error: { code: 'InternalError', message: 'internal error' } });
}

/** The rule that refused an edit, and whom it wants instead when it names approvers. */
function policyOf(error: PolicyRefusedError): { policyId: string; approvers?: { users: string[]; groups: string[] } } {
  return { policyId: error.policyId, ...(error.approvers ? { approvers: { users: [...error.approvers.users], groups: [...error.approvers.groups] } } : {}) };
}

/** middy onError: every failure becomes a JSON problem response. */
export function httpErrors(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      request.response = errorResponse(request.error);
    },
  };
}
