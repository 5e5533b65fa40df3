import './polyfills.ts';
import { startLocalApp } from './app.ts';
import { loadLocalConfig } from './config.ts';
import { localDashboardAssets } from '../web/dashboard-build.ts';

/** `npm start`: the whole system on local engines, with the demo flow, until Ctrl-C. */
async function main(): Promise<void> {
  const config = loadLocalConfig();
  const app = await startLocalApp({
    dataDir: config.dataDir,
    port: config.port,
    sweepIntervalMs: config.sweepIntervalMs,
    access: config.access,
    durableEndpoint: config.durableEndpoint,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.auditKey ? { auditKey: config.auditKey } : {}),
    ...(config.fault ? { fault: config.fault } : {}),
    ...(config.clockAheadMs ? { clock: { now: () => new Date(Date.now() + config.clockAheadMs) } } : {}),
  });
  // Build the dashboard now rather than on its first request, so a broken web/ shows at start.
  await localDashboardAssets().catch((error: Error) => console.error(`the dashboard did not build: ${error.message}`));
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
