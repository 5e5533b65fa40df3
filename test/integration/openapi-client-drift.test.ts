import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE, REGENERATE_COMMAND, SCHEMA_TYPES_FILE, documentText, schemaTypesOf } from '#infra/cli/client-types';
import { completeOpenApiDocument } from '#local/openapi-document';

let document: Awaited<ReturnType<typeof completeOpenApiDocument>>;
beforeAll(async () => {
  document = await completeOpenApiDocument();
});

describe('the TypeScript client and the OpenAPI document', () => {
  it('commits the document the routes describe today', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    expect(committed === documentText(document), `${OPENAPI_FILE} is out of date: run ${REGENERATE_COMMAND}`).toBe(true);
  });

  it("commits the client's types generated from that document", async () => {
    const committed = readFileSync(SCHEMA_TYPES_FILE, 'utf8');
    const generated = await schemaTypesOf(document);
    expect(committed === generated, `${SCHEMA_TYPES_FILE} no longer matches the routes: run ${REGENERATE_COMMAND}`).toBe(true);
  });

  it('notices a route whose answer changed', async () => {
    // Prepare: the decision view gains a field, as a route change would
    const changed = structuredClone(document) as unknown as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
    changed.components.schemas.DecisionView.properties.extra = { type: 'string' };

    // Act
    const generated = await schemaTypesOf(changed);

    // Assess
    expect(generated).not.toBe(readFileSync(SCHEMA_TYPES_FILE, 'utf8'));
  });
});
