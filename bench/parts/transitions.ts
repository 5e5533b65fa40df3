import type { BenchPart, Figure } from '../lib/figure.ts';
import { approvalGateTransitions, flowTransitions } from '../lib/transitions.ts';

const unique = <T>(values: T[]) => [...new Set(values)].join(' or ');

/** State transitions per approval gate and per compiled flow mode (bench/lib/transitions.ts). */
export const transitionsPart: BenchPart = {
  id: 'transitions',
  title: 'State transitions per approval gate (Standard workflows bill each)',
  async run() {
    const approvalGate = await approvalGateTransitions();
    const flows = (await flowTransitions()) ?? null;
    const figures: Figure[] = [];
    for (const g of approvalGate) {
      const label = { approved: 'approve', rejected: 'reject', timed_out: 'sweeper timeout', hard_cap: 'Step Functions hard cap' }[g.outcome];
      figures.push({ name: `approval-gate.asl.json, ${label}`, value: g.transitions, unit: '', detail: g.states.join(' → ') });
    }
    for (const mode of ['disabled', 'audit', 'blocking', 'confirm_tools']) {
      const of = (flows ?? []).filter((f) => f.mode === mode);
      const gated = of.filter((f) => f.gates > 0);
      const value = gated.length === 0 ? '0 (no gate states)' : `${unique(gated.map((f) => f.onDecision))} on a decision, ${unique(gated.map((f) => f.onTimeout))} on the hard cap`;
      const agree = gated.every((f) => f.onDecision === f.staticOnDecision && f.onTimeout === f.staticOnTimeout);
      figures.push({ name: `compiled flows, mode ${mode} (${of.length} flows)`, value: `${value}${agree ? '' : ' (differs from gate-transitions.ts!)'}`, unit: '' });
    }
    return {
      figures,
      raw: { approvalGate, flows },
      meaning:
        'Counted by running each definition on aws-local-stepfunctions with every Task stubbed and counting the states entered: Standard workflows bill each. For compiled flows the count is the gate and the states after it up to the node\'s router, cross-checked against statemachines/gate-transitions.ts.',
    };
  },
};
