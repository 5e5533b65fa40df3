import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../../api/client.ts';
import { useApp } from '../../app-context.ts';
import type { JsonSchema } from './json-schema-check.ts';

interface ToolList {
  readonly items: readonly { readonly spec: { readonly name: string; readonly argsSchema: JsonSchema } }[];
}

// The tool list changes rarely: one `GET /tools` per page load serves every request opened.
let tools: Promise<ReadonlyMap<string, JsonSchema>> | null = null;

function loadTools(api: Api): Promise<ReadonlyMap<string, JsonSchema>> {
  tools ??= api<ToolList>('GET', 'tools').then(
    (list) => new Map(list.items.map((item) => [item.spec.name, item.spec.argsSchema])),
    () => new Map(), // Without the list the editor checks JSON only; the API checks the schema on approval.
  );
  return tools;
}

/** The JSON Schema of `tool`'s arguments from `GET /tools`, or null while loading or when unknown. */
export function useToolSchema(tool: string | undefined): JsonSchema | null {
  const { api } = useApp();
  const [schema, setSchema] = useState<JsonSchema | null>(null);
  useEffect(() => {
    if (!tool) return;
    let current = true;
    void loadTools(api).then((found) => current && setSchema(found.get(tool) ?? null));
    return () => {
      current = false;
    };
  }, [tool]);
  return schema;
}
