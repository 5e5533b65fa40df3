import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlowSchema, type Flow } from '#core/flow';
import { ValidationError } from '#core/errors';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import { parseOrThrow } from '#core/validation';

/**
 * The shipped flows: `statemachines/flows/` in the repository, and `flows/` beside the bundle in the
 * API function (CDK copies the folder there; see HitlFunction's `bundledFolders`).
 */
export const FLOWS_DIR = fileURLToPath(new URL('./flows/', import.meta.url));

/**
 * Parses a flow and checks what the schema alone cannot: that every tool it names exists. Throws
 * ValidationError naming each offending field. Its CEL rules and tool globs are checked only under
 * policy checks (see policy-checks.ts): a flow from outside is parsed under them, a stored revision
 * was checked when saved.
 */
export function parseFlow(input: unknown, knownTools: readonly string[]): Flow {
  const flow = parseOrThrow(FlowSchema, input, 'flow');
  const issues = flow.nodes.flatMap((node, i) => {
    const tools = node.type === 'agent' ? node.tools : [node.tool];
    return tools
      .filter((tool) => !knownTools.includes(tool))
      .map((tool) => ({ path: `nodes.${i}.${node.type === 'agent' ? 'tools' : 'tool'}`, message: `no tool "${tool}" is registered (known: ${knownTools.join(', ')})` }));
  });
  if (issues.length > 0) throw new ValidationError(`invalid flow: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return flow;
}

/**
 * Every `<id>.json` in `dir` (the shipped flows by default), parsed and sorted by file name: adding a
 * flow is dropping its file here, nothing lists them. A broken file fails loudly with its name.
 */
export function loadFlowFiles(knownTools: readonly string[], dir: string = FLOWS_DIR): Flow[] {
  return readdirSync(dir)
    .filter(isFlowFileName)
    .sort()
    .map((file) => loadFlowFile(join(dir, file), knownTools));
}

/** Whether a file in the flows folder is a flow (`<id>.json`), not an editor's backup or a dotfile. */
export function isFlowFileName(file: string): boolean {
  return file.endsWith('.json') && !file.startsWith('.');
}

/** One flow file, parsed with its policy settings checked in full; its id must be its file name. Throws naming the file. */
export function loadFlowFile(path: string, knownTools: readonly string[]): Flow {
  const file = basename(path);
  try {
    const flow = withPolicyChecks(policyChecker, () => parseFlow(JSON.parse(readFileSync(path, 'utf8')), knownTools));
    if (`${flow.id}.json` !== file) throw new Error(`the flow id "${flow.id}" does not match its file name`);
    return flow;
  } catch (error) {
    throw new Error(`statemachines/flows/${file}: ${(error as Error).message}`, { cause: error });
  }
}
