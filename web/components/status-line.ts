import { html } from '../html.ts';

export interface Status {
  readonly message: string;
  readonly isError: boolean;
}

/** The one line that says what just happened; screen readers hear it. */
export function StatusLine(props: { status: Status }) {
  return html`<p id="status" class=${props.status.isError ? 'status error' : 'status'} role="status">${props.status.message}</p>`;
}
