import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseGate, type Gate } from '#core/gate';
import { parseWithPolicyChecks } from '#core/policy-checks';
import type { GateCatalog } from '#ports';
import refundApproval from '../../gates/refund-approval.json' with { type: 'json' };

/** The folder of gate files, `gates/<id>.json`. */
export const GATES_DIR = fileURLToPath(new URL('../../gates/', import.meta.url));

/**
 * The gate files of `gates/`, imported rather than read from disk so that a Lambda bundle carries
 * them. `loadGateFiles` reads the same folder; a unit test keeps the two equal, so add a new gate
 * file here too.
 */
export const SHIPPED_GATE_FILES: readonly { readonly file: string; readonly gate: unknown }[] = [{ file: 'refund-approval.json', gate: refundApproval }];

/**
 * Every gate file of `dir`, parsed with its policy settings checked in full; a broken file fails
 * loudly with its name.
 */
export async function loadGateFiles(dir: string = GATES_DIR): Promise<Gate[]> {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, gate: JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as unknown }));
  return parseWithPolicyChecks(() => files.map(({ file, gate }) => parseNamed(gate, file)));
}

/** The gates bundled with the code (the API function on AWS), checked in full like any gate file. */
export async function shippedGates(): Promise<Gate[]> {
  return parseWithPolicyChecks(() => SHIPPED_GATE_FILES.map(({ file, gate }) => parseNamed(gate, file)));
}

function parseNamed(input: unknown, file: string): Gate {
  try {
    return parseGate(input, file);
  } catch (error) {
    throw new Error(`gates/${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** A catalog over a fixed list of gates, checked once when it is built. */
export function staticGateCatalog(gates: readonly Gate[]): GateCatalog {
  const byId = new Map(gates.map((gate) => [gate.id, gate]));
  return {
    get: async (id) => {
      const gate = byId.get(id);
      return gate ? { gate } : undefined;
    },
    list: async () => [...byId.values()],
  };
}
