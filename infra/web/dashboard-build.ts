import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { DASHBOARD_ASSET_FILES, type DashboardAssets } from '../../lambdas/channels/dashboard/dashboard-assets.ts';

/** The dashboard's browser code: a tree of typed modules with `main.ts` as entry. */
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

const OPTIONS = {
  entryPoints: { dashboard: join(WEB_DIR, 'main.ts') },
  tsconfig: join(WEB_DIR, 'tsconfig.json'),
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'none',
  outdir: 'out',
  write: false,
  logLevel: 'silent',
} satisfies BuildOptions;

/**
 * Builds the dashboard's script and style from `web/` in memory (one esbuild call, about 50 ms).
 * They go inline into the page, which esbuild's defaults allow: it writes "</script" in strings as
 * "<\/script" and escapes "</style" in CSS.
 */
export async function buildDashboardAssets(): Promise<DashboardAssets> {
  // Loaded here, not with the module: a local stack started from its build never builds the page.
  const { build } = await import('esbuild');
  const result = await build(OPTIONS);
  const text = (suffix: string) => {
    const file = result.outputFiles.find((output) => output.path.endsWith(suffix));
    if (!file) throw new Error(`the dashboard build wrote no ${suffix}`);
    return file.text;
  };
  return { script: text(`/${DASHBOARD_ASSET_FILES.script}`), style: text(`/${DASHBOARD_ASSET_FILES.style}`) };
}

/** Builds the assets into `dir` under the names the API function reads (`DASHBOARD_ASSET_FILES`). */
export async function writeDashboardAssets(dir: string): Promise<void> {
  const assets = await buildDashboardAssets();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, DASHBOARD_ASSET_FILES.script), assets.script);
  await writeFile(join(dir, DASHBOARD_ASSET_FILES.style), assets.style);
}

let local: Promise<DashboardAssets> | undefined;

/** The assets for local mode and tests: built on first use, then kept for the life of the process. */
export function localDashboardAssets(): Promise<DashboardAssets> {
  local ??= buildDashboardAssets();
  local.catch(() => (local = undefined));
  return local;
}
