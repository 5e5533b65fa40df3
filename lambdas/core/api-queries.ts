import * as z from 'zod';

const limit = z.coerce.number().int('limit must be a whole number').min(1).max(100).default(20);
const cursor = z.string().min(1).max(2048).optional();
const name = z.string().min(1).max(128).optional();
const timestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }).optional();

/** GET /approvals */
export const ListApprovalsQuerySchema = z
  .object({ status: z.literal('pending').default('pending'), limit, cursor, workflow: name, node: name })
  .strict();

/** GET /history */
export const HistoryQuerySchema = z
  .object({ limit, cursor, from: timestamp, to: timestamp, workflow: name, approver: name })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], message: 'from must not be after to' });

/** GET /audit */
export const AuditQuerySchema = z
  .object({ limit, cursor, execution: z.string().min(1).max(2048).optional(), workflow: name, from: timestamp, to: timestamp })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], message: 'from must not be after to' });

/** Normalises a timestamp to UTC ISO with milliseconds, the form stored in sort keys. */
export function toSortableTime(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

/** GET /audit/verify */
export const AuditVerifyQuerySchema = z.object({ execution: z.string().min(1).max(2048) }).strict();

/** GET /audit/export: a time range is required, so an export is a deliberate, bounded read. */
export const AuditExportQuerySchema = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), cursor, workflow: name })
  .strict()
  .refine((q) => q.from <= q.to, { path: ['from'], message: 'from must not be after to' });

/** GET /stats: a time range of at most a year; the last 30 days by default. */
export const StatsQuerySchema = z
  .object({ from: timestamp, to: timestamp })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], message: 'from must not be after to' });
