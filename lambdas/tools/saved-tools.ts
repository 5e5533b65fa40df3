import type { ToolArgsValidator } from '#ports';
import type { ToolStore } from '#usecases/save-tool';
import { toolArgsValidator } from './registry.ts';
import type { ToolDefinition } from './tool.ts';
import type { ToolSpecData } from './tool-spec.ts';

export interface SavedToolsSyncDeps {
  readonly toolStore: Pick<ToolStore, 'list'>;
  readonly registry: { put(tool: ToolDefinition<any>): void };
  readonly build: (spec: ToolSpecData) => ToolDefinition<any>;
  /** How long a loaded list is used before the table is read again. @default 30 s */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * Keeps a function's registry up to date with the tools admins saved (AWS: each function instance
 * reads the table, at most every `maxAgeMs`). A saved tool that no longer builds is skipped and named
 * in a warning; the rest are registered.
 */
export function savedToolsSync(deps: SavedToolsSyncDeps): () => Promise<void> {
  const maxAge = deps.maxAgeMs ?? 30_000;
  const now = deps.now ?? Date.now;
  let loadedAt: number | undefined;
  return async () => {
    if (loadedAt !== undefined && now() - loadedAt < maxAge) return;
    for (const stored of await deps.toolStore.list()) {
      try {
        deps.registry.put(deps.build(stored.spec));
      } catch (error) {
        console.warn(`tools: saved tool ${stored.spec.name} cannot be registered: ${(error as Error).message}`);
      }
    }
    loadedAt = now();
  };
}

/**
 * The check of an approver's edited arguments in a function that keeps saved tools (the API and
 * decision functions): the saved tools are registered before the lookup, so a saved tool's arguments
 * are checked against its schema as a shipped tool's are, instead of passing unchecked as unknown.
 */
export function savedToolArgs(tools: () => Promise<{ readonly registry: { get(name: string): ToolDefinition<any> | undefined }; readonly sync: () => Promise<void> }>): ToolArgsValidator {
  return toolArgsValidator(async (name) => {
    const { registry, sync } = await tools();
    await sync();
    return registry.get(name)?.input;
  });
}
