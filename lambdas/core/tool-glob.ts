import { RE2JS } from 're2js';
import { BoundedCache } from './bounded-cache.ts';
import { POLICY_LIMITS } from './policy-limits.ts';

/**
 * Tool-name globs (`search`, `crm.*`, `send_*`, `*`) of the tool lists and of policy rules' `tools`,
 * matched on RE2 in time linear in the name. A glob library compiles to JavaScript's backtracking
 * RegExp, where a glob such as `*a*a*a*a*a*a*a*a*a*a*c` takes seconds to minutes on a 40-character
 * name. Syntax: `*` any run of characters but `/`, `**` any run, `?` one character but `/`,
 * `[abc]`, `[a-z]`, `[!a]` classes, `{a,b}` alternatives, `\` escapes; anything else is literal.
 * Settings name globs through ToolGlobSchema (tool-glob-schema.ts), which needs no RE2.
 */
const compiled = new BoundedCache<string, RE2JS | null>(POLICY_LIMITS.globCacheEntries, POLICY_LIMITS.globCacheChars, (glob) => glob.length);

/** True when `name` matches `glob` as a whole. A glob that is not valid (checked on save) matches only itself. */
export function matchesGlob(name: string, glob: string): boolean {
  const re = compiled.getOrCreate(glob, compileGlob);
  return re ? re.test(name) : name === glob;
}

/**
 * Why `glob` is not a valid glob (a class such as `[z-a]`), or undefined when it is. Compiled globs
 * are cached, as flows' settings are parsed on every gate invocation.
 */
export function globProblem(glob: string): string | undefined {
  if (compiled.getOrCreate(glob, compileGlob)) return undefined;
  try {
    RE2JS.compile(`^(?:${globToRe2(glob)})$`);
    return undefined;
  } catch (error) {
    return `"${glob}" is not a valid glob: ${String((error as Error).message).split('\n')[0]}`;
  }
}

function compileGlob(glob: string): RE2JS | null {
  try {
    return RE2JS.compile(`^(?:${globToRe2(glob)})$`);
  } catch {
    return null;
  }
}

/** The RE2 pattern of a glob, without anchors. */
export function globToRe2(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const char = glob[i];
    if (char === '\\' && i + 1 < glob.length) {
      out += RE2JS.quote(glob[i + 1]);
      i += 2;
    } else if (char === '*') {
      const globstar = glob[i + 1] === '*';
      out += globstar ? '.*' : '[^/]*';
      i += globstar ? 2 : 1;
      while (glob[i] === '*') i += 1;
    } else if (char === '?') {
      out += '[^/]';
      i += 1;
    } else if (char === '[' && classEnd(glob, i) !== -1) {
      const end = classEnd(glob, i);
      out += classToRe2(glob.slice(i + 1, end));
      i = end + 1;
    } else if (char === '{' && braceEnd(glob, i) !== -1) {
      const end = braceEnd(glob, i);
      out += `(?:${splitAlternatives(glob.slice(i + 1, end)).map(globToRe2).join('|')})`;
      i = end + 1;
    } else {
      out += RE2JS.quote(char);
      i += 1;
    }
  }
  return out;
}

// The index of the `]` closing the class opened at `start`; a `]` right after `[` or `[!` is literal.
function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') i += 1;
  if (glob[i] === ']') i += 1;
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i += 1;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function classToRe2(body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  const members = (negated ? body.slice(1) : body).replace(/\\(.)/g, (_, c: string) => `\\x{${c.codePointAt(0)!.toString(16)}}`);
  // A literal `]` first in the class, and `[` anywhere, need escaping in RE2.
  return `[${negated ? '^' : ''}${members.replace(/^\]/, '\\]').replace(/\[(?!:)/g, '\\[')}]`;
}

// The index of the `}` closing the braces opened at `start`, when they hold a comma at their top level.
function braceEnd(glob: string, start: number): number {
  let depth = 0;
  let comma = false;
  for (let i = start; i < glob.length; i++) {
    if (glob[i] === '\\') i += 1;
    else if (glob[i] === '{') depth += 1;
    else if (glob[i] === '}' && --depth === 0) return comma ? i : -1;
    else if (glob[i] === ',' && depth === 1) comma = true;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i += 1;
    else if (body[i] === '{') depth += 1;
    else if (body[i] === '}') depth -= 1;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  return parts;
}
