import { createDecisionHandler } from '../handlers/decisions.ts';
import { awsDeps } from './aws-deps.ts';
import { deciderDeps } from './decider-deps.ts';

// The decision path (an approver's click, the inbox): its own function, so that its cold start
// loads none of the admin, editor, gate and channel routes the API function serves.
const { tools: _tools, ...decider } = deciderDeps('decision');

export const handler = createDecisionHandler({ ...awsDeps(), ...decider });
