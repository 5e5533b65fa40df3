/**
 * The dashboard's flow editor, served inline after the dashboard script (whose helpers it uses via
 * `window.hitlDashboard`) and allowed by its own hash in the page's CSP. It draws the flow as an inline
 * SVG graph (each node's mode at a glance), edits the selected node's HITL settings in a form, and
 * saves, checks and deploys through the flow editor API. The server's zod schemas are the authority:
 * a 400's `issues` are shown next to the fields their paths name. Plain ES2020, values reach the page
 * through textContent and form values only. (Kept free of backticks and "${" because it lives in a TS string.)
 */
export const FLOW_EDITOR_SCRIPT = String.raw`
'use strict';
(function () {
  var ui = window.hitlDashboard;
  if (!ui) return;
  var el = ui.el, clear = ui.clear, show = ui.show, api = ui.api, when = ui.when;
  var SVG = 'http://www.w3.org/2000/svg';
  var MODES = [
    ['disabled', 'disabled: no oversight'],
    ['blocking', 'blocking: every action waits for a person'],
    ['confirm_tools', 'confirm tools: tool calls go through the lists'],
    ['audit', 'audit: everything logged, nothing waits']
  ];
  var state = { flowId: null, detail: null, draft: null, node: 0, revisions: [], issues: [], dirty: false, firstFlowId: null };

  function $(id) { return document.getElementById(id); }
  function copy(value) { return JSON.parse(JSON.stringify(value)); }
  function listOf(text) { return String(text || '').split(/[\s,]+/).map(function (s) { return s.trim(); }).filter(Boolean); }
  function textOf(list) { return (list || []).join(', '); }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), attrs[key]);
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function hitl() { return state.draft.nodes[state.node].hitl; }
  function nodePath(rest) { return 'nodes.' + state.node + '.hitl' + (rest ? '.' + rest : ''); }
  function changed() {
    state.dirty = true;
    $('flow-dirty').textContent = 'Unsaved changes';
    drawGraph();
  }

  // The nodes in the order an execution visits them (a flow is a chain), then any the edges miss.
  function ordered(flow) {
    var byId = {}, next = {}, out = [], seen = {};
    flow.nodes.forEach(function (node, i) { byId[node.id] = i; });
    (flow.edges || []).forEach(function (edge) { next[edge.from] = edge.to; });
    for (var id = flow.startAt || (flow.nodes[0] && flow.nodes[0].id); id !== undefined && byId[id] !== undefined && !seen[id]; id = next[id]) {
      seen[id] = true;
      out.push(byId[id]);
    }
    flow.nodes.forEach(function (node, i) { if (!seen[node.id]) out.push(i); });
    return out;
  }

  function load() {
    var list = clear($('flow-list'));
    if (!$('flow-new')) list.parentNode.insertBefore(el('button', { type: 'button', id: 'flow-new', className: 'primary', text: 'New flow', onclick: newFlow }), list);
    return api('GET', 'flows?limit=100').then(function (page) {
      state.firstFlowId = page.items.length ? page.items[0].flowId : null;
      if (page.items.length === 0) list.appendChild(el('p', { className: 'empty', text: 'No flows.' }));
      page.items.forEach(function (flow) {
        list.appendChild(el('li', {}, [el('button', { type: 'button', className: 'item', 'data-flow-id': flow.flowId, onclick: function () { open(flow.flowId); } }, [
          el('strong', { text: flow.name }),
          el('span', { text: flow.flowId + ' · ' + flow.channel }),
          el('small', { text: 'revision ' + flow.currentRevision + ' · deployed ' + (flow.deployedRevision === null ? 'none' : 'revision ' + flow.deployedRevision) })
        ])]));
      });
      if (state.flowId && !state.dirty) return open(state.flowId, state.node);
    });
  }

  function open(flowId, nodeIndex) {
    if (state.dirty && flowId !== state.flowId && !confirm('Discard the unsaved changes to ' + state.flowId + '?')) return Promise.resolve();
    return Promise.all([
      api('GET', 'flows/' + encodeURIComponent(flowId)),
      // The revision history is for admins; anyone else edits nothing and sees the current flow only.
      api('GET', 'flows/' + encodeURIComponent(flowId) + '/revisions?limit=20').catch(function (error) { if (error.status === 403) return null; throw error; })
    ]).then(function (answers) {
      state.flowId = flowId;
      state.detail = answers[0];
      state.revisions = answers[1] ? answers[1].items : null;
      state.draft = copy(answers[0].current.flow);
      state.node = nodeIndex !== undefined && nodeIndex < state.draft.nodes.length ? nodeIndex : ordered(state.draft)[0];
      state.issues = [];
      state.dirty = false;
      render();
    }).catch(function (error) { show(error.message, true); });
  }

  // A new flow starts as one agent node with the tools picked here; the form then sets its HITL
  // settings like any flow's, and Save and Deploy work as for any revision.
  function newFlow() {
    if (state.dirty && !confirm('Discard the unsaved changes to ' + state.flowId + '?')) return;
    var known = state.detail ? Promise.resolve(state.detail.knownTools)
      : state.firstFlowId ? api('GET', 'flows/' + encodeURIComponent(state.firstFlowId)).then(function (d) { return d.knownTools; }) : Promise.resolve([]);
    known.then(function (tools) {
      var box = clear($('flow-editor'));
      box.appendChild(el('h2', { text: 'New flow' }));
      box.appendChild(el('p', { className: 'meta', text: 'One agent node with the tools you pick; set its HITL settings, save and deploy it next. Stored with the other revisions, not as a file.' }));
      box.appendChild(el('ul', { id: 'flow-errors', className: 'error' }));
      box.appendChild(el('div', { className: 'grid' }, [
        el('label', {}, ['Id ', el('input', { id: 'flow-new-id', placeholder: 'team-triage', autocomplete: 'off' })]),
        el('label', {}, ['Name ', el('input', { id: 'flow-new-name', placeholder: 'Team triage', autocomplete: 'off' })])
      ]));
      box.appendChild(el('fieldset', { id: 'flow-new-tools' }, [el('legend', { text: 'Tools the agent may call' })].concat(tools.map(function (tool) {
        return el('label', {}, [el('input', { type: 'checkbox', value: tool, 'data-tool': tool }), ' ' + tool]);
      }))));
      box.appendChild(el('div', { className: 'actions' }, [el('button', { type: 'button', id: 'flow-create', className: 'primary', text: 'Create flow', onclick: createFlow })]));
    }).catch(function (error) { show(error.message, true); });
  }
  function createFlow() {
    var id = $('flow-new-id').value.trim();
    var tools = Array.prototype.filter.call(document.querySelectorAll('#flow-new-tools input[type=checkbox]'), function (box) { return box.checked; }).map(function (box) { return box.value; });
    var flow = { id: id, name: $('flow-new-name').value.trim() || id, nodes: [
      { id: 'agent', type: 'agent', tools: tools, hitl: { mode: 'confirm_tools', approvers: { groups: ['approvers'] } } }
    ], edges: [] };
    show('Creating ' + id + '…');
    api('POST', 'flows', flow).then(function (result) {
      state.dirty = false;
      show('Created ' + result.flowId + ' at revision 1. Set its HITL settings, save, and deploy it.');
      return load().then(function () { return open(result.flowId); });
    }).catch(function (error) {
      var list = clear($('flow-errors'));
      (error.issues || []).forEach(function (issue) { list.appendChild(el('li', { 'data-issue-path': issue.path, text: issue.path + ': ' + issue.message })); });
      show(error.message, true);
    });
  }

  function render() {
    var box = clear($('flow-editor'));
    var d = state.detail;
    box.appendChild(el('h2', { text: d.name + ' (' + d.flowId + ')' }));
    box.appendChild(el('p', { className: 'meta', id: 'flow-meta', text:
      'Current revision ' + d.currentRevision + ', saved by ' + d.current.savedBy + ' at ' + when(d.current.savedAt) + ' · ' +
      (d.deployment ? 'deployed revision ' + d.deployment.revision + ' by ' + d.deployment.deployedBy + ' at ' + when(d.deployment.deployedAt) : 'not deployed') }));
    box.appendChild(el('div', { className: 'legend' }, MODES.map(function (m) { return el('span', { className: 'badge mode-' + m[0], text: m[0] }); })));
    box.appendChild(el('div', { id: 'flow-graph-box', className: 'graph' }));
    box.appendChild(el('ul', { id: 'flow-errors', className: 'error' }));
    box.appendChild(el('form', { id: 'node-form', novalidate: 'novalidate', onsubmit: function (event) { event.preventDefault(); } }));
    box.appendChild(el('div', { className: 'actions' }, [
      el('button', { type: 'button', id: 'flow-validate', text: 'Check', onclick: check }),
      el('button', { type: 'button', id: 'flow-save', className: 'primary', text: 'Save revision', onclick: save }),
      el('button', { type: 'button', id: 'flow-deploy', className: 'approve', text: 'Deploy revision ' + d.currentRevision, onclick: function () { deploy(d.currentRevision); } }),
      el('button', { type: 'button', id: 'flow-discard', text: 'Discard changes', onclick: function () { state.dirty = false; open(state.flowId, state.node); } }),
      el('span', { id: 'flow-dirty', className: 'dirty' })
    ]));
    box.appendChild(el('h3', { text: 'Revisions' }));
    box.appendChild(el('div', { id: 'flow-revisions' }));
    drawGraph();
    renderForm();
    renderRevisions();
    applyIssues();
  }

  function drawGraph() {
    var box = $('flow-graph-box');
    if (!box) return;
    clear(box);
    var flow = state.draft, order = ordered(flow);
    var W = 170, H = 66, GAP = 56, PER_ROW = 4, PAD = 14;
    var at = {};
    order.forEach(function (index, k) {
      at[flow.nodes[index].id] = { x: PAD + (k % PER_ROW) * (W + GAP), y: PAD + Math.floor(k / PER_ROW) * (H + GAP) };
    });
    var rows = Math.ceil(order.length / PER_ROW);
    var width = PAD * 2 + Math.min(order.length, PER_ROW) * (W + GAP) - GAP;
    var height = PAD * 2 + rows * (H + GAP) - GAP;
    var graph = svg('svg', { id: 'flow-graph', width: String(width), height: String(height), viewBox: '0 0 ' + width + ' ' + height, role: 'group', 'aria-label': 'flow graph' }, [
      svg('defs', {}, [svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '8', markerHeight: '8', orient: 'auto-start-reverse' }, [
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#57606a' })
      ])])
    ]);
    (flow.edges || []).forEach(function (edge) {
      var a = at[edge.from], b = at[edge.to];
      if (!a || !b) return;
      var sameRow = a.y === b.y;
      var x1 = sameRow ? a.x + W : a.x + W / 2, y1 = sameRow ? a.y + H / 2 : a.y + H;
      var x2 = sameRow ? b.x : b.x + W / 2, y2 = sameRow ? b.y + H / 2 : b.y;
      graph.appendChild(svg('path', { 'class': 'edge', d: 'M ' + x1 + ' ' + y1 + ' L ' + x2 + ' ' + y2, stroke: '#57606a', 'stroke-width': '2', fill: 'none', 'marker-end': 'url(#arrow)', 'data-edge': edge.from + '->' + edge.to }));
    });
    var bad = nodesWithIssues();
    flow.nodes.forEach(function (node, index) {
      var p = at[node.id];
      var classes = 'node mode-' + node.hitl.mode + (index === state.node ? ' selected' : '') + (bad[index] ? ' invalid' : '');
      var group = svg('g', { 'class': classes, 'data-node-id': node.id, tabindex: '0', role: 'button', 'aria-label': 'node ' + node.id + ', mode ' + node.hitl.mode,
        transform: 'translate(' + p.x + ',' + p.y + ')',
        onclick: function () { select(index); },
        onkeydown: function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); select(index); } } }, [
        svg('rect', { 'class': 'box', width: String(W), height: String(H), rx: '8' }),
        svg('text', { x: '10', y: '22', 'class': 'title', text: (node.name || node.id).slice(0, 22) }),
        svg('text', { x: '10', y: '40', 'class': 'sub', text: node.type + (node.type === 'tool' ? ' ' + node.tool : '') + ' · ' + node.id }),
        svg('rect', { 'class': 'badge-box', x: '10', y: '47', width: String(W - 20), height: '14', rx: '4' }),
        svg('text', { x: String(W / 2), y: '58', 'class': 'badge-text', 'text-anchor': 'middle', text: node.hitl.mode })
      ]);
      graph.appendChild(group);
    });
    box.appendChild(graph);
  }

  function select(index) {
    state.node = index;
    drawGraph();
    renderForm();
    applyIssues();
  }

  // One labelled field: its data-path is the API path its issues carry; the error shows right under it.
  function field(path, label, control, hint) {
    return el('div', { className: 'field', 'data-path': path }, [
      el('label', { text: label, 'for': control.id }), control,
      hint ? el('small', { text: hint }) : null,
      el('span', { className: 'field-error', role: 'alert' })
    ]);
  }
  function input(id, value, onchange, attrs) {
    var node = el('input', Object.assign({ id: id, autocomplete: 'off' }, attrs || {}));
    node.value = value === undefined || value === null ? '' : String(value);
    node.addEventListener('input', function () { onchange(node.value, node); });
    return node;
  }
  function select_(id, options, value, onchange) {
    var node = el('select', { id: id }, options.map(function (o) { return el('option', { value: o[0], text: o[1] }); }));
    node.value = value;
    node.addEventListener('change', function () { onchange(node.value); });
    return node;
  }
  function checkbox(id, checked, onchange) {
    var node = el('input', { id: id, type: 'checkbox' });
    node.checked = Boolean(checked);
    node.addEventListener('change', function () { onchange(node.checked); });
    return node;
  }
  function seconds(text, node) {
    if (String(text).trim() === '') return undefined;
    var n = Number(text);
    node.setCustomValidity(Number.isInteger(n) && n >= 1 ? '' : 'a whole number of seconds, at least 1');
    return Number.isInteger(n) ? n : text;
  }
  function localError(path, message) {
    state.issues = state.issues.filter(function (issue) { return !(issue.path === path && issue.local); });
    if (message) state.issues.push({ path: path, message: message, local: true });
    applyIssues();
  }

  function renderForm() {
    var form = clear($('node-form'));
    var node = state.draft.nodes[state.node];
    var h = node.hitl;
    h.approvers = h.approvers || { users: [], groups: [] };
    h.escalation = h.escalation || [];
    h.quorum = h.quorum || { approvals: 1, rejections: 1 };
    form.appendChild(el('h3', { text: 'Node ' + node.id + ' (' + node.type + ')' }));
    form.appendChild(el('p', { className: 'meta', text: node.type === 'agent' ? 'Tools this agent may call: ' + (textOf(node.tools) || 'none') : 'Calls the tool ' + node.tool }));
    var grid = el('div', { className: 'grid' });
    form.appendChild(grid);
    grid.appendChild(field(nodePath('mode'), 'HITL mode', select_('hitl-mode', MODES, h.mode, function (v) { h.mode = v; changed(); })));
    grid.appendChild(field(nodePath('approvedTools'), 'Approved tools', input('hitl-approved', textOf(h.approvedTools), function (v) { h.approvedTools = listOf(v); changed(); }, { placeholder: 'search, crm.*' }), 'run without asking; names or globs, comma-separated'));
    grid.appendChild(field(nodePath('blockedTools'), 'Blocked tools', input('hitl-blocked', textOf(h.blockedTools), function (v) { h.blockedTools = listOf(v); changed(); }, { placeholder: 'send_email' }), 'always refused, with a reason the agent reads'));
    grid.appendChild(el('div', { className: 'field group', 'data-path': nodePath('approvers') }, [
      el('label', { text: 'Who may approve' }),
      field(nodePath('approvers.groups'), 'Groups', input('hitl-approver-groups', textOf(h.approvers.groups), function (v) { h.approvers.groups = listOf(v); changed(); }, { placeholder: 'approvers' })),
      field(nodePath('approvers.users'), 'Users', input('hitl-approver-users', textOf(h.approvers.users), function (v) { h.approvers.users = listOf(v); changed(); }, { placeholder: 'bob, carol' })),
      el('span', { className: 'field-error', role: 'alert' })
    ]));
    grid.appendChild(field(nodePath('allowSelfApproval'), 'Separation of duties', el('span', { id: 'hitl-self-box' }, [
      checkbox('hitl-self', h.allowSelfApproval, function (v) { h.allowSelfApproval = v; changed(); }), ' the requester may approve their own request'])));
    grid.appendChild(field(nodePath('distinctApproversPerLevel'), 'Escalation voters', el('span', { id: 'hitl-distinct-box' }, [
      checkbox('hitl-distinct', h.distinctApproversPerLevel, function (v) { h.distinctApproversPerLevel = v; changed(); }), ' each level decides alone'])));
    grid.appendChild(field(nodePath('timeoutSeconds'), 'Timeout (seconds)', input('hitl-timeout', h.timeoutSeconds, function (v, n) {
      var value = seconds(v, n);
      if (value === undefined) delete h.timeoutSeconds; else h.timeoutSeconds = value;
      localError(nodePath('timeoutSeconds'), n.validationMessage);
      changed();
    }, { inputmode: 'numeric', placeholder: 'default: 1800 (180 for voice)' })));
    grid.appendChild(field(nodePath('onTimeout'), 'On timeout', select_('hitl-on-timeout', [['reject', 'reject'], ['escalate', 'escalate to the next level']], h.onTimeout || 'reject', function (v) {
      h.onTimeout = v; renderEscalation(); changed();
    })));
    grid.appendChild(field(nodePath('quorum.approvals'), 'Approvals needed', input('hitl-quorum-approvals', h.quorum.approvals, function (v, n) { h.quorum.approvals = seconds(v, n) || 1; changed(); }, { inputmode: 'numeric' }), 'k of n'));
    grid.appendChild(field(nodePath('quorum.rejections'), 'Rejections that end it', input('hitl-quorum-rejections', h.quorum.rejections, function (v, n) { h.quorum.rejections = seconds(v, n) || 1; changed(); }, { inputmode: 'numeric' })));
    form.appendChild(el('div', { id: 'escalation-box', className: 'field', 'data-path': nodePath('escalation') }));
    renderEscalation();
    var policies = el('textarea', { id: 'hitl-policies', rows: '4', spellcheck: 'false' });
    policies.value = JSON.stringify(h.policies || [], null, 2);
    policies.addEventListener('input', function () {
      try {
        var parsed = JSON.parse(policies.value || '[]');
        if (!Array.isArray(parsed)) throw new Error('policies are a JSON array');
        h.policies = parsed;
        localError(nodePath('policies'), '');
        changed();
      } catch (error) { localError(nodePath('policies'), 'not valid JSON: ' + error.message); }
    });
    form.appendChild(field(nodePath('policies'), 'Policies (CEL rules, JSON)', policies, '[{"id":"big-refunds","when":"args.amount > 100","effect":"require_approval"}]'));
    var voice = state.draft.voice = state.draft.voice || {};
    form.appendChild(el('h3', { text: 'Voice (the whole flow)' }));
    var vgrid = el('div', { className: 'grid' });
    form.appendChild(vgrid);
    vgrid.appendChild(field('channel', 'Channel', select_('flow-channel', [['async', 'async'], ['voice', 'voice (caller on hold)']], state.draft.channel || 'async', function (v) { state.draft.channel = v; changed(); })));
    vgrid.appendChild(field('voice.holdMessage', 'Hold message', input('voice-hold-message', voice.holdMessage, function (v) { voice.holdMessage = v; changed(); })));
    vgrid.appendChild(field('voice.holdMusicUrl', 'Hold music URL', input('voice-hold-music', voice.holdMusicUrl, function (v) { if (v.trim()) voice.holdMusicUrl = v.trim(); else delete voice.holdMusicUrl; changed(); }, { placeholder: 'https://…' })));
  }

  function renderEscalation() {
    var box = clear($('escalation-box'));
    var h = hitl();
    box.appendChild(el('label', { text: 'Escalation levels (used in order when on timeout is "escalate")' }));
    h.escalation.forEach(function (level, k) {
      level.approvers = level.approvers || { users: [], groups: [] };
      var base = 'escalation.' + k;
      box.appendChild(el('div', { className: 'level field', 'data-path': nodePath(base) }, [
        el('strong', { text: 'Level ' + (k + 1) }),
        field(nodePath(base + '.approvers.groups'), 'Groups', input('escalation-' + k + '-groups', textOf(level.approvers.groups), function (v) { level.approvers.groups = listOf(v); changed(); })),
        field(nodePath(base + '.approvers.users'), 'Users', input('escalation-' + k + '-users', textOf(level.approvers.users), function (v) { level.approvers.users = listOf(v); changed(); })),
        field(nodePath(base + '.timeoutSeconds'), 'Waits (seconds)', input('escalation-' + k + '-timeout', level.timeoutSeconds, function (v, n) { level.timeoutSeconds = seconds(v, n); changed(); }, { inputmode: 'numeric' })),
        el('button', { type: 'button', text: 'Remove', onclick: function () { h.escalation.splice(k, 1); renderEscalation(); changed(); } }),
        el('span', { className: 'field-error', role: 'alert' })
      ]));
    });
    box.appendChild(el('button', { type: 'button', id: 'escalation-add', text: 'Add level', onclick: function () {
      h.escalation.push({ approvers: { users: [], groups: [] }, timeoutSeconds: 3600 }); renderEscalation(); changed();
    } }));
    box.appendChild(el('span', { className: 'field-error', role: 'alert' }));
    applyIssues();
  }

  function renderRevisions() {
    var box = clear($('flow-revisions'));
    if (state.revisions === null) { box.appendChild(el('p', { className: 'empty', text: 'Only admins see the revision history.' })); return; }
    var deployed = state.detail.deployment ? state.detail.deployment.revision : null;
    box.appendChild(el('table', {}, [
      el('thead', {}, [el('tr', {}, ['Revision', 'Saved', 'By', 'Changes', ''].map(function (c) { return el('th', { text: c }); }))]),
      el('tbody', {}, state.revisions.map(function (r) {
        var changes = r.diff.length === 0 ? (r.source === 'shipped' ? 'from the flow file' : 'no changes') : r.diff.slice(0, 4).map(function (c) {
          return c.path + (c.op === 'changed' ? ': ' + JSON.stringify(c.before) + ' → ' + JSON.stringify(c.after) : ' ' + c.op);
        }).join('; ') + (r.diff.length > 4 ? '; …' : '');
        var action = r.revision === deployed ? el('strong', { text: 'deployed' }) :
          el('button', { type: 'button', className: 'revision-deploy', 'data-revision': String(r.revision), text: deployed !== null && r.revision < deployed ? 'Roll back to this' : 'Deploy', onclick: function () { deploy(r.revision); } });
        return el('tr', { 'data-revision': String(r.revision) }, [
          el('td', { text: String(r.revision) }), el('td', { text: when(r.savedAt) }), el('td', { text: r.savedBy }),
          el('td', { className: 'last', text: changes }), el('td', {}, [action])
        ]);
      }))
    ]));
  }

  function nodesWithIssues() {
    var bad = {};
    state.issues.forEach(function (issue) {
      var m = /^nodes\.(\d+)(\.|$)/.exec(issue.path);
      if (m) bad[Number(m[1])] = true;
    });
    return bad;
  }

  // Each issue goes to the field whose data-path is the longest prefix of its path; the rest are listed above the form.
  function applyIssues() {
    var form = $('node-form'), list = $('flow-errors');
    if (!form || !list) return;
    clear(list);
    Array.prototype.forEach.call(document.querySelectorAll('#flow-editor .field-error'), function (span) { span.textContent = ''; });
    Array.prototype.forEach.call(document.querySelectorAll('#flow-editor .field.has-error'), function (f) { f.classList.remove('has-error'); });
    var fields = Array.prototype.slice.call(document.querySelectorAll('#flow-editor [data-path]'));
    state.issues.forEach(function (issue) {
      var best = null;
      fields.forEach(function (f) {
        var p = f.getAttribute('data-path');
        if ((issue.path === p || issue.path.indexOf(p + '.') === 0) && (!best || p.length > best.getAttribute('data-path').length)) best = f;
      });
      if (best) {
        var span = Array.prototype.filter.call(best.children, function (c) { return c.classList.contains('field-error'); })[0];
        if (span) { span.textContent = (span.textContent ? span.textContent + ' ' : '') + issue.message; best.classList.add('has-error'); return; }
      }
      var m = /^nodes\.(\d+)(\.|$)/.exec(issue.path);
      var where = m && state.draft.nodes[Number(m[1])] ? 'node ' + state.draft.nodes[Number(m[1])].id + ': ' : '';
      list.appendChild(el('li', { 'data-issue-path': issue.path, text: where + issue.path + ': ' + issue.message }));
    });
  }

  function body() {
    var flow = copy(state.draft);
    flow.revision = state.detail.currentRevision;
    return flow;
  }
  function serverIssues(error) {
    state.issues = (error.issues || []).map(function (i) { return { path: i.path, message: i.message }; });
    drawGraph();
    applyIssues();
    show(state.issues.length ? error.message + ' (' + state.issues.length + ' problem' + (state.issues.length > 1 ? 's' : '') + ', shown next to the fields)' : error.message, true);
  }
  function blockedLocally() {
    var local = state.issues.filter(function (i) { return i.local; });
    if (local.length) show('Fix the highlighted fields first.', true);
    return local.length > 0;
  }
  function check() {
    if (blockedLocally()) return;
    api('PUT', 'flows/' + encodeURIComponent(state.flowId) + '?dryRun=true', body()).then(function (result) {
      state.issues = [];
      drawGraph();
      applyIssues();
      show('Valid. Saving would change ' + result.diff.length + ' path' + (result.diff.length === 1 ? '' : 's') + '.');
    }).catch(serverIssues);
  }
  function save() {
    if (blockedLocally()) return;
    show('Saving…');
    api('PUT', 'flows/' + encodeURIComponent(state.flowId), body()).then(function (result) {
      state.dirty = false;
      show(result.created ? 'Saved revision ' + result.revision.revision + '. Deploy it to use it for new executions.' : 'Nothing changed; revision ' + result.revision.revision + ' stays current.');
      return load();
    }).catch(serverIssues);
  }
  function deploy(revision) {
    if (state.dirty && !confirm('Deploy revision ' + revision + ' and leave your unsaved changes unsaved?')) return;
    show('Deploying revision ' + revision + '…');
    api('POST', 'flows/' + encodeURIComponent(state.flowId) + '/deploy', { revisionId: String(revision) }).then(function (result) {
      state.dirty = false;
      show((result.rolledBack ? 'Rolled back to revision ' : 'Deployed revision ') + result.deployment.revision + '. New executions use it; running ones finish on theirs.');
      return load();
    }).catch(function (error) { show(error.message, true); });
  }

  window.hitlFlowEditor = { load: load };
})();
`;
