import type { z } from 'zod';
import type { ToolArgsValidator } from '#ports';
import type { ToolDefinition, ToolSpec } from './tool.ts';
import { parseToolContract, specOf } from './tool.ts';

/**
 * The tools an installation offers, by name. Flow files name tools; this is where names meet code.
 * Every tool's contract (name, description, read-only, delivery) is checked when the registry is built.
 */
export class ToolRegistry {
  private readonly byName = new Map<string, ToolDefinition<any>>();
  private readonly liveNames: string[] = [];

  constructor(tools: readonly ToolDefinition<any>[]) {
    for (const tool of tools) {
      if (this.byName.has(tool.name)) throw new Error(`tool "${tool.name}" is registered twice`);
      this.put(tool);
    }
  }

  get(name: string): ToolDefinition<any> | undefined {
    return this.byName.get(name);
  }

  /**
   * The registered names. The same array is kept up to date as tools are saved, so flow checks that
   * were handed it (the editor's `knownTools`) see a tool saved after they were built.
   */
  get names(): readonly string[] {
    return this.liveNames;
  }

  /** Adds a tool, or replaces the one of that name (an admin saved a new version of it). */
  put(tool: ToolDefinition<any>): void {
    parseToolContract(tool);
    if (!this.byName.has(tool.name)) this.liveNames.push(tool.name);
    this.byName.set(tool.name, tool);
  }

  /** Specs of the named tools, for the model; unknown names are skipped (flows are checked on load). */
  specs(names: readonly string[]): ToolSpec[] {
    return names.flatMap((name) => {
      const tool = this.byName.get(name);
      return tool ? [specOf(tool)] : [];
    });
  }
}

/**
 * Checks arguments against the schema `schemaOf` gives for a tool (the API's check of edited arguments).
 * A tool without a schema here is not ours to judge: it gets no issues. `schemaOf` may load the tools
 * first (the API loads its registry with the first edit).
 */
export function toolArgsValidator(schemaOf: (toolName: string) => z.ZodType | undefined | Promise<z.ZodType | undefined>): ToolArgsValidator {
  return {
    async validate(toolName, args) {
      const result = (await schemaOf(toolName))?.safeParse(args);
      if (!result || result.success) return [];
      return result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
    },
    async withDefaults(toolName, args) {
      const result = (await schemaOf(toolName))?.safeParse(args);
      return result?.success && result.data !== null && typeof result.data === 'object' ? (result.data as Record<string, unknown>) : args;
    },
  };
}

/**
 * The argument schemas of a registry that is built after the API's validator (local mode: the flows
 * module builds the tools once the approval API exists); until one is given, `fallback` answers.
 */
export class ToolSchemaSlot {
  private lookup: ((toolName: string) => z.ZodType | undefined) | undefined;

  constructor(private readonly fallback: (toolName: string) => z.ZodType | undefined) {}

  /** From now on, schemas come from `registry` (which tools admins save keep up to date). */
  use(registry: { get(name: string): { input: z.ZodType } | undefined }): void {
    this.lookup = (name) => registry.get(name)?.input;
  }

  schemaOf(toolName: string): z.ZodType | undefined {
    return (this.lookup ?? this.fallback)(toolName);
  }
}
