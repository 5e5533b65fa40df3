import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { NotFoundError } from '#core/errors';
import { FlowIdSchema } from '#core/flow';
import { ExecutionGraphSchema } from '#core/execution-graph';
import { EXECUTION_ID_PATTERN, ExecutionViewSchema } from '#core/flow-execution';
import { FlowInputSchema } from '#core/flow-state';
import { parseOrThrow } from '#core/validation';
import { describeExecutionGraph, type DescribeGraphDeps } from '#usecases/describe-execution-graph';
import type { PayloadStore } from '#ports';
import { describeFlowExecution } from '#usecases/describe-flow-execution';
import { startFlowExecution } from '#usecases/start-flow-execution';
import type { Route } from '../api/routes.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';
import type { FlowDeps } from './deps.ts';

type Handler = Route['handler'];

/** Body of POST /flows/{flowId}/executions. */
export const StartExecutionBodySchema = z.object({ input: FlowInputSchema.strict() }).strict();

export const StartExecutionResultSchema = z.object({ executionId: z.string(), flowId: z.string(), status: z.literal('running') });

const MAX_START_BODY_BYTES = 16 * 1024;

function withJsonBody(handler: Handler): Handler {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(bodyLimit(MAX_START_BODY_BYTES))
    .use(httpJsonBodyParser())
    .handler(handler) as unknown as Handler;
}

/** The flow id from the path; ids of any other shape are simply not found. */
function flowIdOf(event: APIGatewayProxyEvent): string {
  const id = event.pathParameters?.flowId ?? '';
  if (!FlowIdSchema.safeParse(id).success) throw new NotFoundError(`flow ${id.slice(0, 64)} not found`);
  return id;
}

function executionIdOf(event: APIGatewayProxyEvent): string {
  const id = event.pathParameters?.id ?? '';
  if (!EXECUTION_ID_PATTERN.test(id)) throw new NotFoundError(`execution ${id.slice(0, 64)} not found`);
  return id;
}

/** Starting flows and following their executions. */
export function executionRoutes(
  deps: Pick<FlowDeps, 'catalog' | 'executions' | 'workflows' | 'store' | 'audit' | 'clock' | 'access'> &
    Pick<DescribeGraphDeps, 'history' | 'flows' | 'consoleUrl'> & { readonly payloads?: PayloadStore },
): Route[] {
  return [
    {
      method: 'POST',
      path: '/flows/{flowId}/executions',
      doc: { summary: 'Start a flow for the caller, who becomes the requester at its gates', tags: ['flows'], body: StartExecutionBodySchema, response: StartExecutionResultSchema, statuses: { '201': 'Started' } },
      handler: withJsonBody(async (event) => {
        const identity = identityOf(event);
        const flowId = flowIdOf(event);
        const body = parseOrThrow(StartExecutionBodySchema, event.body, 'body');
        const record = await startFlowExecution(deps, { flowId, message: body.input.message, identity });
        return json(201, { executionId: record.executionId, flowId: record.flowId, status: 'running' }, { location: `/executions/${record.executionId}` });
      }),
    },
    {
      method: 'GET',
      path: '/executions/{id}',
      doc: {
        summary: 'An execution: status, conversation so far, output, the approvals the caller may read (404 unless the caller started it, may read one of its requests, or is an admin)',
        tags: ['flows'],
        response: ExecutionViewSchema,
      },
      handler: async (event) => {
        const identity = identityOf(event);
        return json(200, await describeFlowExecution(deps, executionIdOf(event), identity));
      },
    },
    {
      method: 'GET',
      path: '/executions/{id}/graph',
      doc: {
        summary:
          "The execution's flow graph: each node's status (waiting where a person decides), the states passed with their input and output, links to the approvals the caller may read and, on AWS, to the Step Functions console (404 for the same callers as GET /executions/{id})",
        tags: ['flows'],
        response: ExecutionGraphSchema,
      },
      handler: async (event) => {
        const identity = identityOf(event);
        return json(200, await describeExecutionGraph(deps, executionIdOf(event), identity));
      },
    },
  ];
}
