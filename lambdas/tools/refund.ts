import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { ToolDefinition } from './tool.ts';

export const RefundArgsSchema = z
  .object({
    orderId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/, 'must be an order id such as A-1001')
      .describe('The order to refund, e.g. "A-1001"'),
    amount: z
      .number()
      .positive()
      .max(100_000)
      .refine((amount) => Math.abs(amount * 100 - Math.round(amount * 100)) < 1e-6, 'must have at most two decimals')
      .describe('How much to refund, e.g. 49.99'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as EUR')
      .default('EUR')
      .describe('ISO 4217 currency code'),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166-1 country code such as DE')
      .describe('The country the money is paid out to (ISO 3166-1 alpha-2)'),
  })
  .strict();
export type RefundArgs = z.infer<typeof RefundArgsSchema>;

/** One refund as the ledger keeps it. */
export interface RefundRecord extends RefundArgs {
  readonly refundId: string;
  readonly executionId: string;
}

/** Where refunds are written. The demo has no payment provider; a real one would call it here. */
export interface RefundLedger {
  /** Records a refund; recording the same refund id again changes nothing. */
  record(refund: RefundRecord): Promise<void>;
}

/** The refunds of one process, in memory (local mode, tests). */
export class MemoryRefundLedger implements RefundLedger {
  readonly refunds: RefundRecord[] = [];

  async record(refund: RefundRecord): Promise<void> {
    if (!this.refunds.some((known) => known.refundId === refund.refundId)) this.refunds.push(refund);
  }
}

/**
 * `refund`: pays an amount of an order back to the customer, by writing it to the ledger. It has a side
 * effect, so flows gate it by policy; the refund id derives from the idempotency key, so a retried call
 * refunds nothing twice, even past the tool-run record.
 */
export function createRefundTool(ledger: RefundLedger = new MemoryRefundLedger()): ToolDefinition<RefundArgs> {
  return {
    name: 'refund',
    description: 'Refunds an amount of one order to the customer, paid out in the given country. Use it only when the user asks for a refund of a specific order.',
    input: RefundArgsSchema,
    readOnly: false,
    // The refund id derives from the idempotency key and the ledger records each refund id once, as a
    // payment provider does with an idempotency key: a re-run refunds nothing twice.
    delivery: 'idempotent',
    run: async (args, context) => {
      const refundId = `rf_${createHash('sha256').update(context.idempotencyKey).digest('hex').slice(0, 16)}`;
      await ledger.record({ ...args, refundId, executionId: context.executionId });
      return { refunded: true, refundId, orderId: args.orderId, amount: args.amount, currency: args.currency, country: args.country };
    },
  };
}
