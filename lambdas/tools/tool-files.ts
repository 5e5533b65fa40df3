import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import refund from '../../tools/refund.json' with { type: 'json' };
import search from '../../tools/search.json' with { type: 'json' };
import sendEmail from '../../tools/send_email.json' with { type: 'json' };
import { ToolSpecSchema, type ToolSpecData } from './tool-spec.ts';

/** The folder of shipped tool files, `tools/<name>.json`. */
export const TOOLS_DIR = fileURLToPath(new URL('../../tools/', import.meta.url));

/**
 * The tool files of `tools/`, imported rather than read from disk so that a Lambda bundle carries
 * them. `loadToolFiles` reads the same folder; a unit test keeps the two equal, so add a new tool file
 * here too.
 */
export const SHIPPED_TOOL_FILES: readonly { readonly file: string; readonly spec: unknown }[] = [
  { file: 'refund.json', spec: refund },
  { file: 'search.json', spec: search },
  { file: 'send_email.json', spec: sendEmail },
];

/** Every tool file of `dir`, parsed; a broken file fails loudly with its name. */
export function loadToolFiles(dir: string = TOOLS_DIR): ToolSpecData[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => parseToolFile(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')), file));
}

/** The tools bundled with the code. */
export function shippedToolSpecs(): ToolSpecData[] {
  return SHIPPED_TOOL_FILES.map(({ file, spec }) => parseToolFile(spec, file));
}

/** A tool file's spec; its name must match the file name. */
export function parseToolFile(input: unknown, file: string): ToolSpecData {
  const parsed = ToolSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`tools/${file} is not a valid tool: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'tool'}: ${i.message}`).join('; ')}`);
  }
  if (`${parsed.data.name}.json` !== file) throw new Error(`tools/${file} names the tool "${parsed.data.name}"; the file must be ${parsed.data.name}.json`);
  return parsed.data;
}
