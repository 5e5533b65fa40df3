import { writeFileSync } from 'node:fs';
import { completeOpenApiDocument } from '#local/openapi-document';
import { OPENAPI_FILE, SCHEMA_TYPES_FILE, documentText, schemaTypesOf } from './client-types.ts';

// Writes openapi.json from the routes and their zod schemas, then the client's types from it.
const document = await completeOpenApiDocument();
writeFileSync(OPENAPI_FILE, documentText(document));
writeFileSync(SCHEMA_TYPES_FILE, await schemaTypesOf(document));
console.log(`wrote ${OPENAPI_FILE} and ${SCHEMA_TYPES_FILE}`);
