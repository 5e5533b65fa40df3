import * as z from 'zod';
import policies from './data/policies.json' with { type: 'json' };
import type { ToolDefinition } from './tool.ts';

/** One document of the searchable dataset. */
export interface PolicyDocument {
  readonly id: string;
  readonly title: string;
  readonly keywords: readonly string[];
  readonly text: string;
}

export const SearchArgsSchema = z
  .object({
    query: z.string().trim().min(1).max(500).describe('What to look for, e.g. "refund policy"'),
    limit: z.number().int().min(1).max(5).default(3).describe('How many documents to return'),
  })
  .strict();
export type SearchArgs = z.infer<typeof SearchArgsSchema>;

export interface SearchResult {
  readonly query: string;
  readonly results: { id: string; title: string; text: string }[];
}

const STOP_WORDS = new Set(['a', 'an', 'and', 'about', 'our', 'the', 'your', 'what', 'is', 'are', 'of', 'for', 'to', 'me', 'us', 'policy', 'please', 'do', 'you', 'how', 'on', 'in']);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

/** Keyword score: a title or keyword hit counts more than a hit in the text. */
function score(doc: PolicyDocument, query: string[]): number {
  const title = new Set(words(doc.title));
  const keywords = new Set(doc.keywords.flatMap(words));
  const text = new Set(words(doc.text));
  return query.reduce((sum, word) => sum + (title.has(word) ? 3 : 0) + (keywords.has(word) ? 2 : 0) + (text.has(word) ? 1 : 0), 0);
}

/** Ranks `documents` for `query`; documents that match nothing are left out. */
export function searchDocuments(documents: readonly PolicyDocument[], args: SearchArgs): SearchResult {
  const query = words(args.query);
  const results = documents
    .map((doc) => ({ doc, score: score(doc, query) }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.doc.id.localeCompare(b.doc.id))
    .slice(0, args.limit)
    .map(({ doc }) => ({ id: doc.id, title: doc.title, text: doc.text }));
  return { query: args.query, results };
}

/** `search`: read-only lookup in the bundled customer-service policies (refunds, shipping, returns, ...). */
export function createSearchTool(documents: readonly PolicyDocument[] = policies): ToolDefinition<SearchArgs> {
  return {
    name: 'search',
    description: 'Searches the company policies (refunds, shipping, returns, warranty, privacy, contact) and returns the best matches.',
    input: SearchArgsSchema as z.ZodType<SearchArgs>,
    readOnly: true,
    // Read-only: running it again has no effect.
    delivery: 'idempotent',
    run: async (args) => searchDocuments(documents, args),
  };
}
