import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Folders whose files run longest (killed and restarted servers, a browser, CDK synth), longest first. */
const SLOW_FOLDERS = ['test/faults/', 'test/e2e/', 'test/infra/'];

/**
 * Vitest's order (longest first by the last run's durations when it has them, larger files first
 * when it does not), with the slow folders' files ahead of the rest. A fresh checkout has no
 * durations; without this, a long fault test can start last and run alone while the other worker idles.
 */
export class SlowFoldersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Vitest runs one project's files after another's; keep that, and rank the files within each.
    const projects = [...new Set(sorted.map((file) => file.project.name))];
    const rank = (file: TestSpecification) => {
      const path = relative(this.ctx.config.root, file.moduleId).replaceAll('\\', '/');
      const folder = SLOW_FOLDERS.findIndex((prefix) => path.startsWith(prefix));
      return folder === -1 ? SLOW_FOLDERS.length : folder;
    };
    // Array.prototype.sort is stable: within a rank, Vitest's order stays.
    return sorted.sort((a, b) => projects.indexOf(a.project.name) - projects.indexOf(b.project.name) || rank(a) - rank(b));
  }
}
