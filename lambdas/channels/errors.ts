import { HitlError } from '#core/errors';

/**
 * Why a link, a Slack click or a channel request cannot be served. Each carries the HTTP status its
 * page or answer uses; the core error map does not know channel errors, so the channel handlers map them.
 */
export class ChannelError extends HitlError {
  override readonly code: string = 'ChannelError';
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A link that was not issued by us or was changed: signature or format wrong. */
export class InvalidLinkError extends ChannelError {
  override readonly code = 'InvalidLink';
  constructor(message = 'This link is not valid: it was changed or cut short.', status = 403) {
    super(message, status);
  }
}

/** A link past its expiry (never later than the request's due time). */
export class ExpiredLinkError extends ChannelError {
  override readonly code = 'ExpiredLink';
  constructor() {
    super('This link has expired. Open the dashboard to see the request.', 410);
  }
}

/** A link whose single use has been spent. */
export class UsedLinkError extends ChannelError {
  override readonly code = 'UsedLink';
  constructor() {
    super('This link has already been used.', 410);
  }
}

/** A request that is no longer waiting for a decision. */
export class ClosedRequestError extends ChannelError {
  override readonly code = 'ClosedRequest';
  constructor(message: string) {
    super(message, 410);
  }
}

/** A Slack request whose signature or timestamp does not check out. */
export class SlackSignatureError extends ChannelError {
  override readonly code = 'SlackSignature';
  constructor(message: string) {
    super(message, 401);
  }
}
