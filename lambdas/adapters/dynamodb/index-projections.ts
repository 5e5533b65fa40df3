import { ENTRY_FIELDS } from './audit-repository.ts';
import { DELEGATION_FIELDS } from './delegation-repository.ts';
import { HEAD_FIELDS } from './flow-repository.ts';
import { GATE_REVISION_FIELDS } from './gate-repository.ts';
import { REQUEST_FIELDS } from './request-repository.ts';
import { INDEXES, TABLE_KEYS } from './table.ts';

export type IndexProjection = { readonly type: 'KEYS_ONLY' } | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };

/**
 * Request attributes a list page shows. The checkpoint (up to 256 KB of agent state) stays in the
 * table, and so does the task token, which is no domain field and belongs in no index.
 */
const LISTED_REQUEST_FIELDS = REQUEST_FIELDS.filter((field) => field !== 'checkpoint');

/**
 * What each index copies from the table, sized to what its readers need:
 * - `pending`: the pending list's requests (GET /approvals), without their checkpoints.
 * - `due`, `undelivered`: keys only; the sweeper reads each request it acts on from the table.
 * - `timeline`: decided requests (GET /history, without checkpoints), audit entries, flow heads,
 *   gate revisions and delegations (found by delegate);
 *   running executions are read from the table by key (their inputs and results stay out).
 */
export const INDEX_PROJECTIONS: Readonly<Record<keyof typeof INDEXES, IndexProjection>> = {
  pending: { type: 'INCLUDE', attributes: LISTED_REQUEST_FIELDS },
  due: { type: 'KEYS_ONLY' },
  undelivered: { type: 'KEYS_ONLY' },
  timeline: { type: 'INCLUDE', attributes: [...new Set([...LISTED_REQUEST_FIELDS, ...ENTRY_FIELDS, ...HEAD_FIELDS, ...GATE_REVISION_FIELDS, ...DELEGATION_FIELDS])] },
};

/** Attribute definitions and GSIs for CreateTable (local mode and tests); CDK declares the same shape. */
export function tableDefinition(tableName: string) {
  const indexes = Object.entries(INDEXES) as [keyof typeof INDEXES, (typeof INDEXES)[keyof typeof INDEXES]][];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partition, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.sort, AttributeType: 'S' as const },
      ...indexes.flatMap(([, index]) => [
        { AttributeName: index.pk, AttributeType: 'S' as const },
        { AttributeName: index.sk, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: indexes.map(([key, index]) => {
      const projection = INDEX_PROJECTIONS[key];
      return {
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.pk, KeyType: 'HASH' as const },
          { AttributeName: index.sk, KeyType: 'RANGE' as const },
        ],
        Projection:
          projection.type === 'INCLUDE'
            ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...projection.attributes] }
            : { ProjectionType: 'KEYS_ONLY' as const },
      };
    }),
  };
}
