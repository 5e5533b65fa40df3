import answerAndForward from './flows/answer-and-forward.json' with { type: 'json' };
import policyReview from './flows/policy-review.json' with { type: 'json' };
import supportAgentAudited from './flows/support-agent-audited.json' with { type: 'json' };
import supportAgent from './flows/support-agent.json' with { type: 'json' };
import voiceSupport from './flows/voice-support.json' with { type: 'json' };

/**
 * The flow files of `statemachines/flows/`, imported rather than read from disk so that a Lambda
 * bundle carries them: the API function seeds them as revisions on AWS. `loadFlowFiles` reads the
 * same folder; a unit test keeps the two lists equal, so add a new flow file here too. Unparsed:
 * parse each with `parseFlow` and the registered tools.
 */
export const SHIPPED_FLOW_FILES: readonly unknown[] = [answerAndForward, policyReview, supportAgentAudited, supportAgent, voiceSupport];
