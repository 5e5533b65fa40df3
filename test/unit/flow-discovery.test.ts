import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FLOWS_DIR, loadFlowFiles } from '#statemachines/flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';

/** A private copy of the shipped flows folder. */
function copyOfFlowsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-flows-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(FLOWS_DIR, dir, { recursive: true });
  return dir;
}

function copyFlow(dir: string, fromId: string, toId: string): void {
  const flow = JSON.parse(readFileSync(join(dir, `${fromId}.json`), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, `${toId}.json`), JSON.stringify({ ...flow, id: toId, name: `${String(flow.name)} (copy)` }));
}

describe('flow discovery: a flow is a file in the flows folder', () => {
  it('finds a copied flow file under its new id, with no list to edit', () => {
    // Prepare
    const dir = copyOfFlowsFolder();
    const shipped = loadFlowFiles(DEMO_TOOL_NAMES).map((flow) => flow.id);
    copyFlow(dir, 'support-agent', 'team-support');

    // Act
    const found = loadFlowFiles(DEMO_TOOL_NAMES, dir);

    // Assess
    expect(found.map((flow) => flow.id).sort()).toEqual([...shipped, 'team-support'].sort());
    expect(found.find((flow) => flow.id === 'team-support')?.nodes).toEqual(found.find((flow) => flow.id === 'support-agent')?.nodes);
  });

  it('skips files that are not flows: other extensions and dotfiles', () => {
    // Prepare
    const dir = copyOfFlowsFolder();
    writeFileSync(join(dir, 'README.md'), '# notes');
    writeFileSync(join(dir, '.support-agent.json'), '{ half-saved');
    writeFileSync(join(dir, 'support-agent.json~'), '{ backup');

    // Act
    const found = loadFlowFiles(DEMO_TOOL_NAMES, dir);

    // Assess
    expect(found.map((flow) => flow.id).sort()).toEqual(loadFlowFiles(DEMO_TOOL_NAMES).map((flow) => flow.id).sort());
  });

  it('refuses a file whose id is not its name, or that names an unknown tool, naming the file', () => {
    // Prepare
    const dir = copyOfFlowsFolder();
    cpSync(join(dir, 'support-agent.json'), join(dir, 'forgot-the-id.json'));

    // Act + Assess
    expect(() => loadFlowFiles(DEMO_TOOL_NAMES, dir)).toThrow(/forgot-the-id\.json: the flow id "support-agent" does not match its file name/);
    rmSync(join(dir, 'forgot-the-id.json'));
    expect(() => loadFlowFiles(['search'], dir)).toThrow(/statemachines\/flows\/\S+\.json: .*no tool/);
  });
});
