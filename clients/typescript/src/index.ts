export { createHitlClient, type HitlClient, type HitlClientOptions } from './client.ts';
export { HitlApiError, requestApproval, waitForDecision, type ApprovalResult, type Decision, type RequestApprovalOptions } from './request-approval.ts';
export { verifyWebhook, WEBHOOK_TOLERANCE_SECONDS } from './verify-webhook.ts';
export type { components, paths } from './schema.d.ts';
