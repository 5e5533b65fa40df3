import { describe, expect, it } from 'vitest';
import { loadFlowFiles, parseFlow } from '#statemachines/flows';
import { SHIPPED_FLOW_FILES } from '#statemachines/shipped-flows';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';

describe('the flow files bundled with the API function', () => {
  it('are exactly the files in statemachines/flows/, as CDK deploys them', () => {
    // Prepare
    const onDisk = loadFlowFiles(DEMO_TOOL_NAMES);

    // Act
    const bundled = SHIPPED_FLOW_FILES.map((file) => parseFlow(file, DEMO_TOOL_NAMES));

    // Assess: a flow file added to the folder must be imported in statemachines/shipped-flows.ts too.
    expect(bundled.map((flow) => flow.id).sort()).toEqual(onDisk.map((flow) => flow.id).sort());
    for (const flow of onDisk) expect(bundled.find((candidate) => candidate.id === flow.id), flow.id).toEqual(flow);
  });
});
