import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { AlreadyDecidedError, ForbiddenError, HitlError, WorkflowGoneError, httpStatusOf } from '#core/errors';
import { openDecisionLink, useDecisionLink, type DecisionLinkDeps } from '../../channels/email/decision-link.ts';
import { confirmationPage, decidedPage, problemPage } from '../../channels/email/link-pages.ts';
import { ChannelError, ExpiredLinkError, UsedLinkError } from '../../channels/errors.ts';
import type { Route } from '../api/routes.ts';
import { logger } from '../logger.ts';
import { html } from '../http/responses.ts';
import { formBody } from './raw-body.ts';

/** The token in the URL is a credential: no Referer may carry it elsewhere. */
const NO_REFERRER = { 'referrer-policy': 'no-referrer' };

function page(status: number, body: string): APIGatewayProxyResult {
  return html(status, body, NO_REFERRER);
}

/** Every refusal is a readable page with a 4xx status, never a JSON error: a person clicked this link. */
function problem(error: unknown): APIGatewayProxyResult {
  if (error instanceof UsedLinkError) return page(410, problemPage('Link already used', error.message));
  if (error instanceof ExpiredLinkError) return page(410, problemPage('Link expired', error.message));
  if (error instanceof ChannelError) return page(error.status, problemPage(error.status === 410 ? 'Already decided' : 'Link not valid', error.message));
  if (error instanceof AlreadyDecidedError) return page(410, problemPage('Already decided', `${error.message}. Your link can no longer change it.`));
  if (error instanceof WorkflowGoneError) return page(410, problemPage('Workflow no longer waiting', error.message));
  if (error instanceof ForbiddenError) return page(403, problemPage('Not allowed', error.message));
  if (error instanceof HitlError) return page(httpStatusOf(error), problemPage('Could not decide', error.message));
  logger.error('decision link failed', { error });
  return page(500, problemPage('Something went wrong', 'The decision was not recorded. Try the link again in a moment, or use the dashboard.'));
}

/** The confirmation page's form: the button's `confirm=yes` and an optional reason. */
export const LinkFormSchema = z.object({
  confirm: z.literal('yes'),
  reason: z.string().trim().max(2000).optional(),
});

/**
 * `ANY /links/{token}`: one path and one handler, as API Gateway serves it (no sign-in: the signed
 * token is the credential). GET (and HEAD) show the confirmation and decide nothing, since mail
 * scanners open links; the page's POST decides once; other methods get 405.
 */
export function linkRoutes(deps: DecisionLinkDeps): Route[] {
  const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const token = event.pathParameters?.token ?? '';
    try {
      if (event.httpMethod === 'GET' || event.httpMethod === 'HEAD') return page(200, confirmationPage(await openDecisionLink(deps, token)));
      if (event.httpMethod !== 'POST') return html(405, problemPage('Not allowed', 'Open the link, then use its button.'), { ...NO_REFERRER, allow: 'GET, POST' });
      const form = LinkFormSchema.safeParse(Object.fromEntries(formBody(event)));
      if (!form.success) throw new ChannelError('Use the button on the link page to decide.', 400);
      return page(200, decidedPage(await useDecisionLink(deps, token, form.data.reason || undefined)));
    } catch (error) {
      return problem(error);
    }
  };
  return [
    {
      method: 'ANY',
      path: '/links/{token}',
      handler,
      doc: {
        summary: 'Email decision link: GET shows a confirmation page and decides nothing; its form POST decides once',
        tags: ['channels'],
        body: LinkFormSchema,
        bodyType: 'application/x-www-form-urlencoded',
        responseType: 'text/html',
        public: true,
        statuses: {
          '400': 'The link or the form is incomplete or malformed',
          '403': 'The link was changed, or its approver may no longer decide',
          '405': 'Only GET, HEAD and POST are served',
          '410': 'The link expired or was used, or the request is decided or its workflow gone',
        },
        errors: ['ConcurrentUpdate', 'AuditAppend'],
      },
    },
  ];
}
