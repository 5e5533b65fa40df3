import { readFile } from 'node:fs/promises';

/** The dashboard's browser code and style, built from `web/` by esbuild. */
export interface DashboardAssets {
  readonly script: string;
  readonly style: string;
}

/** Where a build writes the assets, relative to the folder it is given. */
export const DASHBOARD_ASSET_FILES = { script: 'dashboard.js', style: 'dashboard.css' } as const;

/** Reads built assets from `dir` (a `file:` URL ending in `/`, or a path). */
export async function readDashboardAssets(dir: URL): Promise<DashboardAssets> {
  const [script, style] = await Promise.all([readFile(new URL(DASHBOARD_ASSET_FILES.script, dir), 'utf8'), readFile(new URL(DASHBOARD_ASSET_FILES.style, dir), 'utf8')]);
  return { script, style };
}

/**
 * The assets the API function's bundle carries in `web/` beside its `index.mjs` (CDK builds them
 * after bundling). Read once, on the first request for the page.
 */
export function bundledDashboardAssets(): () => Promise<DashboardAssets> {
  let assets: Promise<DashboardAssets> | undefined;
  return () => {
    assets ??= readDashboardAssets(new URL('./web/', import.meta.url));
    assets.catch(() => (assets = undefined));
    return assets;
  };
}
