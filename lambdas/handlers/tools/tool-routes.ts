import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { ForbiddenError, NotFoundError } from '#core/errors';
import { listTools, saveTool, type SaveToolDeps } from '#usecases/save-tool';
import { ToolBodySchema, ToolNamePattern, StoredToolSchema, type ToolSpecData } from '../../tools/tool-spec.ts';
import { withJsonBody, type Route } from '../api/routes.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';

export interface ToolRouteDeps extends SaveToolDeps {
  readonly shippedSpecs: readonly ToolSpecData[];
  /** Groups whose members may save tools. */
  readonly adminGroups: readonly string[];
}

function toolNameOf(event: APIGatewayProxyEvent): string {
  const name = event.pathParameters?.name ?? '';
  if (!ToolNamePattern.test(name)) throw new NotFoundError(`tool ${name.slice(0, 64)} not found`);
  return name;
}

/** The tools an installation offers: list them, and save one (admins). */
export function toolRoutes(deps: ToolRouteDeps): Route[] {
  const isAdmin = (groups: readonly string[]) => groups.some((group) => deps.adminGroups.includes(group));
  const save = withJsonBody(async (event) => {
    const saved = await saveTool(deps, { name: toolNameOf(event), body: event.body, identity: identityOf(event) });
    return json(saved.created ? 201 : 200, saved.tool, saved.created ? { location: `/tools/${saved.tool.spec.name}` } : {});
  });
  return [
    {
      method: 'GET',
      path: '/tools',
      doc: {
        summary: 'Every tool flows may call: the shipped tool files and the tools admins saved',
        tags: ['tools'],
        response: z.object({
          items: z.array(StoredToolSchema),
          canSave: z.boolean().describe('whether the caller may save tools (a member of an admin group)'),
        }),
      },
      handler: async (event) => {
        const identity = identityOf(event);
        return json(200, { items: await listTools(deps), canSave: isAdmin(identity.groups) });
      },
    },
    {
      method: 'PUT',
      path: '/tools/{name}',
      doc: {
        summary: 'Save a tool (admins): an HTTP endpoint, a Lambda function or an MCP server tool, with the JSON Schema of its arguments',
        tags: ['tools'],
        body: ToolBodySchema,
        response: StoredToolSchema,
        statuses: { '201': 'The tool was created' },
      },
      // Callers outside the admin groups are refused before the body is read.
      handler: async (event) => {
        const identity = identityOf(event);
        if (!isAdmin(identity.groups)) {
          throw new ForbiddenError(`only members of ${deps.adminGroups.join(' or ')} may save tools`);
        }
        return save(event);
      },
    },
  ];
}
