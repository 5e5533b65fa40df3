import { readFileSync } from 'node:fs';
import * as z from 'zod';

/** Resolves a secret named by a tool spec (`{"secretRef": "<name>"}`) when the tool runs; never stored. */
export interface ToolSecrets {
  /** The secret's value; throws when there is no such secret. */
  resolve(ref: string): Promise<string>;
}

/** Secrets given in memory (tests) or read from a JSON file `{ "<name>": "<value>" }` (local mode). */
export class StaticToolSecrets implements ToolSecrets {
  constructor(private readonly values: Readonly<Record<string, string>> = {}) {}

  /** The secrets of `<dataDir>/tool-secrets.json`; none when the file is missing. */
  static fromFile(path: string): StaticToolSecrets {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return new StaticToolSecrets();
    }
    return new StaticToolSecrets(z.record(z.string(), z.string()).parse(JSON.parse(text)));
  }

  async resolve(ref: string): Promise<string> {
    if (!Object.hasOwn(this.values, ref)) throw new Error(`secret "${ref}" is not configured`);
    return this.values[ref]!;
  }
}
