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
    const rank = (file: TestSpecification) => {
      const path = relative(this.ctx.config.root, file.moduleId).replaceAll('\\', '/');
      const folder = SLOW_FOLDERS.findIndex((prefix) => path.startsWith(prefix));
      return folder === -1 ? SLOW_FOLDERS.length : folder;
    };
    // Vitest runs one project's files after another's (a worker that shares its modules takes the
    // next file only from its own project); keep that, with the project that holds the slowest
    // folder first, and rank the files within each.
    const projectRank = new Map<string, number>();
    for (const file of sorted) projectRank.set(file.project.name, Math.min(projectRank.get(file.project.name) ?? Infinity, rank(file)));
    const projects = [...projectRank.keys()].sort((a, b) => projectRank.get(a)! - projectRank.get(b)!);
    // Array.prototype.sort is stable: within a rank, Vitest's order stays.
    return sorted.sort((a, b) => projects.indexOf(a.project.name) - projects.indexOf(b.project.name) || rank(a) - rank(b));
  }
}
