import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlowSchema, type Flow } from '#core/flow';
import { ValidationError } from '#core/errors';
import { parseOrThrow } from '#core/validation';

const FLOWS_DIR = fileURLToPath(new URL('./flows/', import.meta.url));

/**
 * Parses a flow file and checks what the schema alone cannot: that every tool it names exists.
 * Throws ValidationError naming each offending field.
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

/** The flow files shipped in `statemachines/flows/`, parsed; a broken file fails loudly with its name. */
export function loadFlowFiles(knownTools: readonly string[], dir: string = FLOWS_DIR): Flow[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      try {
        const flow = parseFlow(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')), knownTools);
        if (`${flow.id}.json` !== file) throw new Error(`the flow id "${flow.id}" does not match its file name`);
        return flow;
      } catch (error) {
        throw new Error(`statemachines/flows/${file}: ${(error as Error).message}`, { cause: error });
      }
    });
}
