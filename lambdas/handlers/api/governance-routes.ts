import { AuditExportQuerySchema, AuditVerifyQuerySchema, toSortableTime } from '#core/api-queries';
import { BatchRespondBodySchema } from '#core/batch-input';
import { assertAuditor } from '#core/read-access';
import { parseOrThrow } from '#core/validation';
import { batchRespond } from '#usecases/batch-respond';
import { verifyAudit } from '#usecases/verify-audit';
import type { AppDeps } from '../deps.ts';
import { decisionChannelOf } from '../http/decision-channel.ts';
import { identityOf } from '../http/identity.ts';
import { json } from '../http/responses.ts';
import { query, withJsonBody, type Route } from './routes.ts';

/** Entries per export response; the next page's cursor comes in the `x-next-cursor` header. */
export const EXPORT_PAGE_ENTRIES = 1000;

/** Routes for compliance work: batch decisions, audit chain verification and export. */
export function governanceRoutes(deps: AppDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/approvals/batch-respond',
      doc: { summary: 'Decide several pending requests in one call (each result says how its request fared)', tags: ['approvals'], body: BatchRespondBodySchema, errors: ['AuditAppend'] },
      handler: withJsonBody(async (event) => {
        const identity = identityOf(event);
        const body = parseOrThrow(BatchRespondBodySchema, event.body, 'body');
        const results = await batchRespond(deps, { ...body, identity, channel: decisionChannelOf(event) });
        return json(200, { results });
      }),
    },
    {
      method: 'GET',
      path: '/audit/verify',
      doc: { summary: "Verify an execution's audit hash chain (admins and auditors)", tags: ['audit'], query: AuditVerifyQuerySchema, errors: ['Forbidden'] },
      handler: async (event) => {
        assertAuditor(identityOf(event), deps.access, 'the audit log');
        const q = parseOrThrow(AuditVerifyQuerySchema, query(event), 'query');
        return json(200, await verifyAudit(deps, q.execution));
      },
    },
    {
      method: 'GET',
      path: '/audit/export',
      doc: {
        summary: 'Export audit entries of a time range as newline-delimited JSON (admins and auditors)',
        tags: ['audit'],
        query: AuditExportQuerySchema,
        responseType: 'application/x-ndjson',
        errors: ['Forbidden'],
      },
      handler: async (event) => {
        assertAuditor(identityOf(event), deps.access, 'the audit log');
        const q = parseOrThrow(AuditExportQuerySchema, query(event), 'query');
        const lines: string[] = [];
        let cursor = q.cursor;
        do {
          const page = await deps.audit.list({
            limit: Math.min(100, EXPORT_PAGE_ENTRIES - lines.length),
            cursor,
            from: toSortableTime(q.from),
            to: toSortableTime(q.to),
            workflowId: q.workflow,
          });
          for (const entry of page.items) lines.push(JSON.stringify(entry));
          cursor = page.nextCursor;
        } while (cursor && lines.length < EXPORT_PAGE_ENTRIES);
        return {
          statusCode: 200,
          headers: {
            'content-type': 'application/x-ndjson; charset=utf-8',
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
            ...(cursor ? { 'x-next-cursor': cursor } : {}),
          },
          body: lines.length ? `${lines.join('\n')}\n` : '',
        };
      },
    },
  ];
}
