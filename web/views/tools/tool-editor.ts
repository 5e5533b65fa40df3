import { useState } from 'preact/hooks';
import { ApiError, segment } from '../../api/client.ts';
import type { StoredTool } from '../../api/types.ts';
import { useApp } from '../../app-context.ts';
import { Checkbox, Field, FieldIssues, Select, TextInput } from '../../components/field.ts';
import { plural } from '../../format.ts';
import { html } from '../../html.ts';
import { useDraftEditing } from '../hitl/draft-editing.ts';
import { placeIssues } from '../hitl/hitl-model.ts';
import { HeaderRows } from './header-rows.ts';
import { bodyOf, DELIVERIES, draftOf, KINDS, METHODS, parseSchema, TOOL_NAME, toolFieldPaths, type ToolDraft, type ToolKind } from './tool-model.ts';

/**
 * Creates a tool, or saves a new version of a saved one (admins). The server's zod schemas are the
 * authority: a 400's issues show next to the fields their paths name. Secrets are named, never typed in.
 */
export function ToolEditor(props: { tool: StoredTool | null; onSaved: (tool: StoredTool) => void; onCancel: () => void }) {
  const { api, show } = useApp();
  const isNew = props.tool === null;
  const [draft] = useState<ToolDraft>(() => draftOf(props.tool?.spec));
  const {
    editing: { edit, localIssue },
    issues,
    localIssues,
    setLocalIssues,
    setServerIssues,
  } = useDraftEditing();
  const placed = placeIssues(issues, toolFieldPaths(draft));

  const save = async () => {
    const schema = draft.kind === 'mcp' ? undefined : parseSchema(draft.schemaText);
    // What the form can tell at once; the server checks everything else.
    const found = new Map([...localIssues].filter(([path]) => draft.kind !== 'mcp' || (path !== 'argsSchema' && path !== 'description')));
    if (isNew && !TOOL_NAME.test(draft.name)) found.set('name', 'must be a lower-case name such as open_ticket');
    if (schema && 'error' in schema) found.set('argsSchema', schema.error);
    if (draft.kind !== 'mcp' && !draft.description.trim()) found.set('description', 'say what the tool does: the model reads it');
    if (found.size > 0) {
      setLocalIssues(found);
      return show('Fix the highlighted fields first.', true);
    }
    show('Saving…');
    try {
      const saved = await api<StoredTool>('PUT', `tools/${segment(draft.name)}`, bodyOf(draft, schema && 'value' in schema ? schema.value : undefined));
      setServerIssues([]);
      show(`Saved tool ${saved.spec.name}${draft.kind === 'mcp' ? ', with the schema its MCP server lists' : ''}. Flows can call it now.`);
      props.onSaved(saved);
    } catch (error) {
      const found = error instanceof ApiError ? error.issues : [];
      setServerIssues(found);
      const message = (error as Error).message;
      show(found.length ? `${message} (${plural(found.length, 'problem')}, shown next to the fields)` : message, true);
    }
  };

  return html`<h2>${isNew ? 'New tool' : `Edit ${draft.name}`}</h2>
    <p class="meta">Secrets are named by reference (a Secrets Manager name, locally a key of tool-secrets.json); their values never pass through this page.</p>
    <ul id="tool-errors" class="error">
      ${placed.unplaced.map((issue) => html`<li data-issue-path=${issue.path}>${issue.path}: ${issue.message}</li>`)}
    </ul>
    <${FieldIssues.Provider} value=${placed.byField}>
      <form id="tool-form" novalidate onSubmit=${(event: Event) => event.preventDefault()}>
        <div class="grid">
          ${isNew &&
          html`<${Field} path="name" label="Name" for="tool-name" hint="lower-case letters, digits and _">
            <${TextInput}
              id="tool-name"
              initial=${draft.name}
              placeholder="open_ticket"
              onText=${(v: string) => {
                draft.name = v.trim();
                localIssue('name', TOOL_NAME.test(draft.name) ? null : 'must be a lower-case name such as open_ticket');
              }}
            />
          <//>`}
          <${Field} path="description" label="Description" for="tool-description" hint=${draft.kind === 'mcp' ? 'optional: the MCP server describes its tool' : 'what the model reads'}>
            <${TextInput}
              id="tool-description"
              initial=${draft.description}
              onText=${(v: string) => {
                draft.description = v;
                if (v.trim()) localIssue('description', null);
              }}
            />
          <//>
          <${Field} path="delivery" label="Delivery" for="tool-delivery">
            <${Select} id="tool-delivery" options=${DELIVERIES} value=${draft.delivery} onValue=${(v: ToolDraft['delivery']) => edit(() => (draft.delivery = v))} />
          <//>
          <${Field} path="readOnly" label="Side effects" for="tool-read-only">
            <${Checkbox} id="tool-read-only" checked=${draft.readOnly} label="read-only (no side effects)" onValue=${(v: boolean) => edit(() => (draft.readOnly = v))} />
          <//>
          <${Field} path=${draft.kind} label="Runs as" for="tool-kind">
            <${Select} id="tool-kind" options=${KINDS} value=${draft.kind} onValue=${(v: ToolKind) => edit(() => (draft.kind = v))} />
          <//>
        </div>
        ${draft.kind === 'http' &&
        html`<div class="grid">
            <${Field} path="http.method" label="Method" for="tool-http-method">
              <${Select} id="tool-http-method" options=${METHODS} value=${draft.http.method} onValue=${(v: ToolDraft['http']['method']) => edit(() => (draft.http.method = v))} />
            <//>
            <${Field} path="http.url" label="URL template" for="tool-http-url" hint="{name} is replaced by that argument">
              <${TextInput} id="tool-http-url" initial=${draft.http.url} placeholder="https://tickets.example.com/orders/{orderId}" onText=${(v: string) => (draft.http.url = v)} />
            <//>
          </div>
          <${HeaderRows} rows=${draft.http.headers} edit=${edit} />`}
        ${draft.kind === 'lambda' &&
        html`<div class="grid">
          <${Field} path="lambda.functionArn" label="Function ARN" for="tool-lambda-arn" hint=${draft.lambda.handler ? `empty: the registered handler ${draft.lambda.handler}` : undefined}>
            <${TextInput} id="tool-lambda-arn" initial=${draft.lambda.functionArn} placeholder="arn:aws:lambda:eu-west-1:123456789012:function:open-ticket" onText=${(v: string) => (draft.lambda.functionArn = v)} />
          <//>
          <${Field} path="lambda.localUrl" label="Local stand-in URL" for="tool-lambda-local" hint="local mode only: receives the same payload by POST">
            <${TextInput} id="tool-lambda-local" initial=${draft.lambda.localUrl} placeholder="http://127.0.0.1:4000/open-ticket" onText=${(v: string) => (draft.lambda.localUrl = v)} />
          <//>
        </div>`}
        ${draft.kind === 'mcp' &&
        html`<div class="grid">
          <${Field} path="mcp.url" label="MCP server URL" for="tool-mcp-url" hint="streamable HTTP">
            <${TextInput} id="tool-mcp-url" initial=${draft.mcp.url} placeholder="https://mcp.example.com/mcp" onText=${(v: string) => (draft.mcp.url = v)} />
          <//>
          <${Field} path="mcp.tool" label="Tool name on the server" for="tool-mcp-tool">
            <${TextInput} id="tool-mcp-tool" initial=${draft.mcp.tool} onText=${(v: string) => (draft.mcp.tool = v)} />
          <//>
        </div>`}
        ${draft.kind === 'mcp'
          ? html`<${Field} path="argsSchema" label="Argument schema" group>
              <p class="meta" id="tool-schema-from-server">Read from the server's tools/list when you save.</p>
            <//>`
          : html`<${Field} path="argsSchema" label="Argument schema (JSON Schema)" for="tool-schema" hint="an object schema; the model sees it and approvers' edits are checked against it">
              <textarea
                id="tool-schema"
                rows="12"
                spellcheck="false"
                value=${draft.schemaText}
                onInput=${(event: Event) => {
                  draft.schemaText = (event.currentTarget as HTMLTextAreaElement).value;
                  const parsed = parseSchema(draft.schemaText);
                  localIssue('argsSchema', 'error' in parsed ? parsed.error : null);
                  setServerIssues((before) => before.filter((issue) => !issue.path.startsWith('argsSchema')));
                }}
              ></textarea>
            <//>`}
      </form>
    <//>
    <div class="actions">
      <button type="button" id="tool-save" class="primary" onClick=${() => void save()}>${isNew ? 'Create tool' : 'Save tool'}</button>
      <button type="button" id="tool-cancel" onClick=${props.onCancel}>Cancel</button>
    </div>`;
}
