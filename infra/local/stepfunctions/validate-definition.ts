import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsError } from './errors.ts';

const NODE_MODULES = fileURLToPath(new URL('../../../node_modules/', import.meta.url));
/** What npm installed: the validator's answer for a definition depends on it and on the definition alone. */
const INSTALLED_TREE = `${NODE_MODULES}.package-lock.json`;
const CACHE_DIR = `${NODE_MODULES}.cache/hitl-local/`;
const CACHE_FILE = `${CACHE_DIR}valid-definitions.json`;
const MAX_REMEMBERED = 1_000;

/**
 * Digests of the definitions that passed, kept in memory and in node_modules/.cache. asl-validator
 * compiles its JSON schemas on every call (~100 ms), and the same definitions come back again and
 * again: a flow's version and its live name, every app a process starts, every `npm start`. A digest
 * covers the definition and the installed packages, so a definition that passed passes again until
 * either changes. Only passes are kept: an invalid definition is checked every time.
 */
class PassedDefinitions {
  private loaded?: { readonly salt: string; readonly digests: Set<string> };

  has(digest: string): boolean {
    return this.load().digests.has(digest);
  }

  add(digest: string): void {
    const { digests } = this.load();
    // Insertion order is age: forget the oldest.
    if (digests.size >= MAX_REMEMBERED) digests.delete(digests.values().next().value!);
    digests.add(digest);
    this.save();
  }

  digestOf(text: string): string {
    return createHash('sha256').update(this.load().salt).update('\n').update(text).digest('base64');
  }

  private load(): { readonly salt: string; readonly digests: Set<string> } {
    if (this.loaded) return this.loaded;
    const installed = readOrUndefined(INSTALLED_TREE);
    // Without npm's record of what it installed, a stored pass might be from other packages: keep none.
    const salt = installed === undefined ? `process ${process.pid} ${Date.now()}` : createHash('sha256').update(installed).digest('base64');
    this.loaded = { salt, digests: new Set(storedDigests()) };
    return this.loaded;
  }

  /**
   * Adds what other processes stored meanwhile, and replaces the file in one rename. Best effort: a
   * cache that cannot be written only costs the next start its time.
   */
  private save(): void {
    const digests = [...new Set([...storedDigests(), ...this.load().digests])].slice(-MAX_REMEMBERED);
    const temporary = `${CACHE_FILE}.${process.pid}.tmp`;
    try {
      mkdirSync(CACHE_DIR, { recursive: true });
      writeFileSync(temporary, JSON.stringify(digests));
      renameSync(temporary, CACHE_FILE);
    } catch {
      // read-only or missing node_modules: the memory copy still serves this process
    }
  }
}

function storedDigests(): string[] {
  try {
    const stored: unknown = JSON.parse(readOrUndefined(CACHE_FILE) ?? 'null');
    return Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string').slice(-MAX_REMEMBERED) : [];
  } catch {
    return [];
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const passed = new PassedDefinitions();

/**
 * Throws InvalidDefinition unless `definition` is valid ASL (asl-validator, ARNs and paths
 * included), as aws-local-stepfunctions checks it.
 */
export function assertValidDefinition(definition: object): void {
  const text = JSON.stringify(definition);
  const digest = passed.digestOf(text);
  if (passed.has(digest)) return;
  try {
    // The validator writes QueryLanguage into every state: give it a copy.
    new StateMachine(JSON.parse(text) as ConstructorParameters<typeof StateMachine>[0]);
  } catch (error) {
    throw new AwsError('InvalidDefinition', (error as Error).message);
  }
  passed.add(digest);
}
