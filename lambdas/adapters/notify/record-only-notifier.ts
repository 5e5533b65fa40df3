import { approversAtLevel } from '#core/hitl-config';
import type { ApprovalRequest } from '#core/request';
import type { Notifier, NotifyReport } from '#ports';

/**
 * A notifier with no outside channel: it names who should hear about the request, and the history
 * records it. Used where no channel is configured; the approvers still find the request in the API.
 */
export const recordOnlyNotifier: Notifier = {
  async notify(request: ApprovalRequest): Promise<NotifyReport[]> {
    const approvers = approversAtLevel(request.hitl, request.level);
    return [{ channel: 'record', ok: true, recipients: [...approvers.users, ...approvers.groups.map((g) => `group:${g}`)] }];
  },
};
