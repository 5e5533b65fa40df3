import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per process. Events are never logged whole: gate events carry task tokens. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'hitl-approvals' });
