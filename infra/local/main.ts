import './polyfills.ts';
import { existsSync } from 'node:fs';
import { onFirstUse } from '#adapters/aws/on-first-use';
import { DASHBOARD_ASSET_FILES, readDashboardAssets, type DashboardAssets } from '../../lambdas/channels/dashboard/dashboard-assets.ts';
import { startLocalApp } from './app.ts';
import { loadLocalConfig } from './config.ts';
import { localDashboardAssets } from '../web/dashboard-build.ts';

/**
 * `npm start` runs this file as the bundle infra/local/build.ts makes, with the dashboard it built
 * beside it in `web/`. Run from source (`tsx infra/local/main.ts`) there is none: the page is built
 * now rather than on its first request, so that a broken web/ shows at start.
 */
async function dashboardAssets(): Promise<() => Promise<DashboardAssets>> {
  const built = new URL('./web/', import.meta.url);
  if (existsSync(new URL(DASHBOARD_ASSET_FILES.script, built))) return onFirstUse(() => readDashboardAssets(built));
  await localDashboardAssets().catch((error: Error) => console.error(`the dashboard did not build: ${error.message}`));
  return localDashboardAssets;
}

/** `npm start`: the whole system on local engines, with the demo flow, until Ctrl-C. */
async function main(): Promise<void> {
  const config = loadLocalConfig();
  const app = await startLocalApp({
    dataDir: config.dataDir,
    port: config.port,
    sweepIntervalMs: config.sweepIntervalMs,
    dynamoThread: config.dynamoThread,
    access: config.access,
    durableEndpoint: config.durableEndpoint,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.auditKey ? { auditKey: config.auditKey } : {}),
    ...(config.fault ? { fault: config.fault } : {}),
    dashboardAssets: await dashboardAssets(),
    ...(config.clockAheadMs ? { clock: { now: () => new Date(Date.now() + config.clockAheadMs) } } : {}),
  });
  const approver = `-H 'x-user: bob' -H 'x-groups: approvers'`;
  console.log(
    [
      '',
      `hitl-approvals local stack is up on ${app.url}`,
      `  data (DynamoDB, outbox):  ${config.dataDir}`,
      `  dashboard:                ${app.url}/`,
      `  pending approvals:        curl -s ${approver} ${app.url}/approvals`,
      `  start the demo flow:      curl -s -X POST -H 'content-type: application/json' -H 'x-user: alice' -H 'x-groups: users' \\`,
      `                              -d '{"input":{"message":"Email carol@example.com our refund policy"}}' ${app.url}/flows/support-agent/executions`,
      `  emails sent:              ls ${config.dataDir}/outbox`,
      `  the timeout sweeper runs every ${config.sweepIntervalMs / 1000} s. Ctrl-C stops everything; data stays.`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
