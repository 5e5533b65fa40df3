import { resolve } from 'node:path';
import { writeDashboardAssets } from '../web/dashboard-build.ts';

// `tsx infra/cli/dashboard-build.ts <dir>`: what CDK runs after bundling the API function, so that
// its `web/` folder holds the dashboard's built script and style.
const dir = process.argv[2];
if (!dir) {
  console.error('usage: dashboard-build <output folder>');
  process.exit(2);
}
await writeDashboardAssets(resolve(dir));
