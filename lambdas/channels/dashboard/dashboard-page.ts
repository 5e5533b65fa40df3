import { createHash } from 'node:crypto';
import { escapeHtml } from '../html.ts';
import { DASHBOARD_SCRIPT } from './dashboard-script.ts';
import { FLOW_EDITOR_SCRIPT } from './flow-editor-script.ts';

const STYLE = `
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;font-family:system-ui,Arial,sans-serif;color:#1f2328;background:#f6f8fa}
header{display:flex;flex-wrap:wrap;gap:12px;align-items:center;justify-content:space-between;padding:10px 16px;background:#24292f;color:#fff}
header h1{font-size:18px;margin:0}header input{padding:4px 6px;margin:0 4px;width:10em}header label{margin-right:4px}
nav{display:flex;gap:4px;padding:8px 16px 0}nav button{border:1px solid #d0d7de;border-bottom:0;background:#eaeef2;padding:6px 14px;border-radius:6px 6px 0 0;cursor:pointer}
nav button[aria-selected=true]{background:#fff;font-weight:bold}
main{background:#fff;border-top:1px solid #d0d7de;padding:16px;min-height:70vh}
.status{min-height:1.4em;margin:0 0 8px;color:#0969da}.status.error,.error{color:#cf222e}
.columns{display:grid;grid-template-columns:minmax(240px,1fr) 2.2fr;gap:16px}
#pending-list{list-style:none;padding:0;margin:0}
.item{display:flex;flex-direction:column;gap:2px;width:100%;text-align:left;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px;margin-bottom:6px;cursor:pointer}
.item:hover{border-color:#0969da}.item small{color:#57606a}.item .preview{overflow-wrap:anywhere}
table{border-collapse:collapse;margin:8px 0;width:100%;font-size:14px}th,td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}
td{white-space:nowrap}td.last{white-space:normal;word-break:break-all;width:100%}tbody th{color:#57606a;font-weight:normal;white-space:nowrap}
textarea{width:100%;font-family:ui-monospace,monospace;font-size:13px}pre{white-space:pre-wrap;background:#f6f8fa;padding:8px;border-radius:6px}
.turn{border-left:3px solid #d0d7de;padding:2px 8px;margin:4px 0}.turn p{margin:2px 0;white-space:pre-wrap}
.decide{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}.decide input{flex:1;min-width:12em;padding:6px}
.approve,.reject{color:#fff;border:0;border-radius:6px;padding:8px 16px;font-weight:bold;cursor:pointer}.approve{background:#1f883d}.reject{background:#cf222e}
.outcome{font-weight:bold}.empty{color:#57606a}
#flow-list{list-style:none;padding:0;margin:0}.meta{color:#57606a;margin:4px 0}.graph{overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;background:#fbfcfd;padding:4px;margin:8px 0}
.legend{display:flex;gap:6px;margin:6px 0}.badge{border-radius:4px;padding:1px 8px;font-size:12px;color:#fff}
.node{cursor:pointer}.node .box{fill:#fff;stroke:#8c959f;stroke-width:1.5}.node.selected .box{stroke:#0969da;stroke-width:3}.node.invalid .box{stroke:#cf222e;stroke-width:3}
.node:focus{outline:none}.node:focus .box{stroke:#0969da;stroke-dasharray:4 2}.node .title{font-weight:bold;font-size:13px;fill:#1f2328}.node .sub{font-size:11px;fill:#57606a}.node .badge-text{font-size:11px;fill:#fff;font-weight:bold}
.mode-disabled{background:#6e7781}.mode-blocking{background:#cf222e}.mode-confirm_tools{background:#9a6700}.mode-audit{background:#0969da}
.node.mode-disabled .badge-box{fill:#6e7781}.node.mode-blocking .badge-box{fill:#cf222e}.node.mode-confirm_tools .badge-box{fill:#9a6700}.node.mode-audit .badge-box{fill:#0969da}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px 16px}.field{display:flex;flex-direction:column;gap:3px}.field label{font-weight:600;font-size:13px}
.field input,.field select{padding:5px;font-size:14px}.field small{color:#57606a}.field-error{color:#cf222e;font-size:13px}.field-error:empty{display:none}
.field.has-error>input,.field.has-error>select,.field.has-error>textarea{border:2px solid #cf222e}.group{border:1px solid #eaeef2;border-radius:6px;padding:6px}
.level{border-left:3px solid #d0d7de;padding:4px 8px;margin:6px 0;display:grid;grid-template-columns:5em repeat(3,minmax(140px,1fr)) auto;gap:8px;align-items:end}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}.actions button{padding:7px 14px;border-radius:6px;border:1px solid #d0d7de;cursor:pointer}
.field>button{align-self:flex-start;padding:4px 10px}#escalation-box{margin-top:10px}.primary{background:#0969da;color:#fff;border:0}.dirty{color:#9a6700}#flow-errors:empty{display:none}
@media (max-width:800px){.columns{grid-template-columns:1fr}}
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** How the page signs people in: local x-user / x-groups, or the Cognito hosted UI on AWS. */
export type DashboardAuth = { readonly kind: 'headers' } | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string };

/**
 * The page's Content-Security-Policy: its one inline script and style are allowed by hash (no
 * 'unsafe-inline'), API calls go to the same origin, and, with Cognito, token exchange to the
 * hosted UI domain only.
 */
export function dashboardCsp(auth: DashboardAuth): string {
  const connect = auth.kind === 'cognito' ? `'self' ${new URL(auth.domain).origin}` : `'self'`;
  return [
    "default-src 'none'",
    `script-src ${hash(DASHBOARD_SCRIPT)} ${hash(FLOW_EDITOR_SCRIPT)}`,
    `style-src ${hash(STYLE)}`,
    `connect-src ${connect}`,
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The approvals dashboard: pending requests newest first with their context, approve / reject with
 * a reason and edited tool arguments, history, audit, decision statistics, and the flow editor (admins save and deploy). Static: everything it shows comes from the
 * REST API, called with the signed-in identity.
 */
export function dashboardHtml(auth: DashboardAuth): string {
  const authAttributes =
    auth.kind === 'cognito'
      ? `data-auth="cognito" data-cognito-domain="${escapeHtml(auth.domain)}" data-client-id="${escapeHtml(auth.clientId)}"`
      : 'data-auth="headers"';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>HITL approvals</title>
<style>${STYLE}</style></head>
<body ${authAttributes}>
<header><h1>HITL approvals</h1><div id="identity"></div></header>
<nav role="tablist">
<button type="button" role="tab" id="tab-pending" aria-selected="true">Pending</button>
<button type="button" role="tab" id="tab-history" aria-selected="false">History</button>
<button type="button" role="tab" id="tab-audit" aria-selected="false">Audit</button>
<button type="button" role="tab" id="tab-stats" aria-selected="false">Stats</button>
<button type="button" role="tab" id="tab-flows" aria-selected="false">Flows</button>
<button type="button" id="refresh">Refresh</button>
</nav>
<main>
<p id="status" class="status" role="status"></p>
<section id="panel-pending" class="columns">
<div><ul id="pending-list"></ul><button type="button" id="pending-more" hidden>More</button></div>
<div id="detail"><p class="empty">Pick a request to see its context and decide.</p></div>
</section>
<section id="panel-history" hidden><div id="history-list"></div></section>
<section id="panel-audit" hidden><div id="audit-list"></div></section>
<section id="panel-stats" hidden><div id="stats-list"></div></section>
<section id="panel-flows" class="columns" hidden>
<div><ul id="flow-list"></ul></div>
<div id="flow-editor"><p class="empty">Pick a flow to see its graph, select a node to set its HITL mode and tools, then save and deploy.</p></div>
</section>
</main>
<script>${DASHBOARD_SCRIPT}</script>
<script>${FLOW_EDITOR_SCRIPT}</script>
</body></html>
`;
}
