import { DEFAULT_READ_ACCESS } from '#core/read-access';
import type { Notifier } from '#ports';
import type { AppDeps } from '../../lambdas/handlers/deps.ts';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { ManualClock } from './fixtures.ts';
import type { LocalTable } from './local-table.ts';
import { RecordingWorkflows } from './recording-workflows.ts';

/** Use-case deps on a real dynalite table, with Step Functions recorded (tests that need a real engine use it). */
export function depsOn(table: LocalTable, notifier: Notifier = recordOnlyNotifier) {
  const workflows = new RecordingWorkflows();
  const clock = new ManualClock(new Date());
  const deps: AppDeps = { store: table.store, audit: table.audit, workflows, notifier, clock, access: DEFAULT_READ_ACCESS };
  return { deps, workflows, clock };
}
