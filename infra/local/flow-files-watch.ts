import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { publishRevision } from '#usecases/deploy-flow';
import type { FlowDeployer } from '#usecases/flow-editor-ports';
import { seedShippedFlows, SHIPPED_BY, type SeedOutcome } from '#usecases/seed-flows';
import type { FlowEditorDeps } from '../../lambdas/handlers/flows/editor-routes.ts';
import { isFlowFileName, loadFlowFile } from '../../statemachines/flows.ts';

/** What a reload did with one flow file: what seeding did, or why the file was left alone. */
export type FlowFileReload = SeedOutcome | { readonly file: string; readonly action: 'invalid'; readonly message: string };

/** Editors save in bursts (truncate, write, rename): a file is read once it has been quiet this long. */
const QUIET_MS = 150;

/**
 * Reads one flow file again and treats it as start-up does (seedShippedFlows): a new flow becomes
 * revision 1 and is deployed; a changed file of a flow nobody edited becomes a new revision and is
 * deployed; a changed file of a flow edited in the editor is only reported. A broken file is reported
 * and changes nothing: what was deployed stays.
 */
export async function reloadFlowFile(editor: FlowEditorDeps, deployer: FlowDeployer, path: string): Promise<FlowFileReload> {
  let flow;
  try {
    flow = loadFlowFile(path, editor.knownTools);
  } catch (error) {
    return { file: path, action: 'invalid', message: (error as Error).message };
  }
  const [outcome] = await seedShippedFlows(editor, [flow]);
  if (outcome && (outcome.action === 'seeded' || outcome.action === 'updated')) {
    await publishRevision({ ...editor, deployer }, { flowId: outcome.flowId, revision: outcome.revision, actor: SHIPPED_BY });
  }
  return outcome!;
}

/**
 * Watches a flows folder (local mode): each `<id>.json` created or changed is reloaded with
 * `reloadFlowFile` once it is quiet, one reload at a time, and what happened is logged. Deleting a
 * file removes nothing: the flow's revisions stay in the table and its deployment stays.
 */
export function watchFlowFiles(dir: string, reload: (path: string) => Promise<FlowFileReload>): { close(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const onEvent = (file: string | null) => {
    if (!file || !isFlowFileName(file) || closed) return;
    clearTimeout(timers.get(file));
    timers.set(
      file,
      setTimeout(() => {
        timers.delete(file);
        const path = join(dir, file);
        if (!existsSync(path)) return;
        queue = queue.then(async () => {
          if (closed) return;
          try {
            log(await reload(path));
          } catch (error) {
            console.error(`flows: could not reload statemachines/flows/${file}: ${(error as Error)?.message ?? String(error)}`);
          }
        });
      }, QUIET_MS),
    );
  };
  const watcher: FSWatcher = watch(dir, (_event, file) => onEvent(file));
  watcher.on('error', (error) => console.error(`flows: stopped watching ${dir}: ${error.message}`));
  return {
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      watcher.close();
    },
  };
}

function log(outcome: FlowFileReload): void {
  if (outcome.action === 'invalid') console.error(`flows: ${outcome.message}; the flow's deployed revision stays`);
  else if (outcome.action === 'file_changed') {
    console.warn(`flows: statemachines/flows/${outcome.flowId}.json changed, but the flow has revisions edited or deployed since; revision ${outcome.revision} stays current`);
  } else if (outcome.action !== 'unchanged') console.info(`flows: ${outcome.flowId} ${outcome.action} from its file, revision ${outcome.revision} deployed`);
}
