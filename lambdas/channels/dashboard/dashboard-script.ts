/**
 * The dashboard's browser code, served inline and allowed by its hash in the page's CSP. Plain ES2020
 * with no framework; every value from the API reaches the page through textContent or a form field's
 * value, never through innerHTML. (Kept free of backticks and "${" because it lives in a TS string.)
 */
export const DASHBOARD_SCRIPT = String.raw`
'use strict';
(function () {
  var body = document.body;
  var auth = body.getAttribute('data-auth') || 'headers';
  var cognitoDomain = body.getAttribute('data-cognito-domain') || '';
  var clientId = body.getAttribute('data-client-id') || '';
  var base = location.pathname.replace(/[^/]*$/, '');
  var pageUrl = location.origin + location.pathname;
  var IDENTITY_KEY = 'hitl.identity';
  var TOKEN_KEY = 'hitl.idToken';
  var VERIFIER_KEY = 'hitl.pkce';
  var state = { tab: 'pending', selected: null, pendingCursor: null };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), attrs[key]);
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function show(message, isError) {
    var box = $('status');
    box.textContent = message || '';
    box.className = isError ? 'status error' : 'status';
  }
  function when(iso) { try { return new Date(iso).toLocaleString(); } catch (e) { return String(iso); } }

  // Identity: local mode sends x-user / x-groups (the local server turns them into authorizer claims);
  // on AWS the Cognito hosted UI signs in (authorization code + PKCE) and calls carry the id token.
  function identity() {
    if (auth === 'cognito') {
      var token = sessionStorage.getItem(TOKEN_KEY);
      if (!token) return null;
      try {
        var claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
        if (claims.exp * 1000 < Date.now()) { sessionStorage.removeItem(TOKEN_KEY); return null; }
        return { user: claims['cognito:username'] || claims.sub, groups: (claims['cognito:groups'] || []).join(','), token: token };
      } catch (e) { return null; }
    }
    try { return JSON.parse(localStorage.getItem(IDENTITY_KEY) || 'null'); } catch (e) { return null; }
  }
  function headers(extra) {
    // Decisions sent from here are recorded with channel "dashboard" rather than "api".
    var h = Object.assign({ accept: 'application/json', 'x-hitl-channel': 'dashboard' }, extra || {});
    var who = identity();
    if (who && who.token) h.authorization = 'Bearer ' + who.token;
    else if (who && who.user) { h['x-user'] = who.user; h['x-groups'] = who.groups || ''; }
    return h;
  }
  function api(method, path, payload) {
    var init = { method: method, headers: headers(payload ? { 'content-type': 'application/json' } : {}) };
    if (payload) init.body = JSON.stringify(payload);
    return fetch(base + path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var message = data && data.error ? data.error.message : (data && data.message) || ('HTTP ' + response.status);
          var error = new Error(message);
          error.status = response.status;
          error.issues = data && data.error && data.error.issues || [];
          throw error;
        }
        return data;
      });
    });
  }

  function randomString() {
    var bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function base64url(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function signInWithCognito() {
    var verifier = randomString();
    var stateValue = randomString();
    sessionStorage.setItem(VERIFIER_KEY, JSON.stringify({ verifier: verifier, state: stateValue }));
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
      var query = new URLSearchParams({
        response_type: 'code', client_id: clientId, redirect_uri: pageUrl, scope: 'openid email profile',
        state: stateValue, code_challenge: base64url(digest), code_challenge_method: 'S256'
      });
      location.assign(cognitoDomain + '/oauth2/authorize?' + query.toString());
    });
  }
  function finishCognitoSignIn() {
    var params = new URLSearchParams(location.search);
    var code = params.get('code');
    if (!code) return Promise.resolve();
    var saved = JSON.parse(sessionStorage.getItem(VERIFIER_KEY) || '{}');
    history.replaceState(null, '', pageUrl);
    if (!saved.verifier || saved.state !== params.get('state')) { show('Sign-in failed: state mismatch. Try again.', true); return Promise.resolve(); }
    sessionStorage.removeItem(VERIFIER_KEY);
    var form = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: code, redirect_uri: pageUrl, code_verifier: saved.verifier });
    return fetch(cognitoDomain + '/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })
      .then(function (response) { return response.json(); })
      .then(function (tokens) {
        if (tokens.id_token) sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
        else show('Sign-in failed: ' + (tokens.error || 'no token'), true);
      });
  }

  function renderIdentity() {
    var box = clear($('identity'));
    var who = identity();
    if (auth === 'cognito') {
      if (who) {
        box.appendChild(el('span', { text: 'Signed in as ' + who.user + (who.groups ? ' (' + who.groups + ')' : '') }));
        box.appendChild(el('button', { type: 'button', text: 'Sign out', onclick: function () { sessionStorage.removeItem(TOKEN_KEY); renderIdentity(); refresh(); } }));
      } else {
        box.appendChild(el('button', { type: 'button', id: 'sign-in', text: 'Sign in', onclick: signInWithCognito }));
      }
      return;
    }
    var user = el('input', { id: 'user', placeholder: 'user, e.g. bob', 'aria-label': 'user' });
    var groups = el('input', { id: 'groups', placeholder: 'groups, e.g. approvers', 'aria-label': 'groups' });
    user.value = who ? who.user : '';
    groups.value = who ? who.groups : '';
    var form = el('form', { id: 'identity-form', onsubmit: function (event) {
      event.preventDefault();
      localStorage.setItem(IDENTITY_KEY, JSON.stringify({ user: user.value.trim(), groups: groups.value.trim() }));
      show('Signed in as ' + user.value.trim());
      refresh();
    } }, [el('label', { text: 'Signed in as' }), user, groups, el('button', { type: 'submit', text: 'Use' })]);
    box.appendChild(form);
  }

  // A listing's summary names the tool; the whole request (GET approvals/{id}) has the call itself.
  function whatOf(approval) {
    var action = approval.action;
    if (action.kind !== 'tool_call') return 'message';
    return 'tool ' + (action.toolCall ? action.toolCall.name : action.tool);
  }
  function previewOf(summary) {
    var preview = summary.action.argsPreview;
    if (!preview) return summary.action.textPreview || '';
    var shown = Object.keys(preview).map(function (k) { return k + ': ' + preview[k]; });
    var hidden = summary.action.argCount - shown.length;
    return shown.join(', ') + (hidden > 0 ? ' (+' + hidden + ' more)' : '');
  }
  // columns null: a key/value table without a header row. The last column may hold long JSON, so it breaks anywhere.
  function table(columns, rows) {
    return el('table', {}, [
      columns ? el('thead', {}, [el('tr', {}, columns.map(function (c) { return el('th', { text: c }); }))]) : null,
      el('tbody', {}, rows.map(function (row) {
        return el('tr', {}, row.map(function (cell, i) {
          return el(!columns && i === 0 ? 'th' : 'td', { text: cell == null ? '' : String(cell), className: i === row.length - 1 ? 'last' : '' });
        }));
      }))
    ]);
  }

  function loadPending(more) {
    var list = $('pending-list');
    if (!more) { clear(list); state.pendingCursor = null; }
    var query = '?limit=50' + (more && state.pendingCursor ? '&cursor=' + encodeURIComponent(state.pendingCursor) : '');
    return api('GET', 'approvals' + query).then(function (page) {
      if (!more && page.items.length === 0) list.appendChild(el('p', { className: 'empty', text: 'Nothing waits for a decision.' }));
      page.items.forEach(function (approval) {
        var item = el('li', {}, [el('button', { type: 'button', className: 'item', 'data-id': approval.id, onclick: function () { select(approval.id); } }, [
          el('strong', { text: whatOf(approval) }),
          el('span', { text: approval.workflowId + ' / ' + approval.nodeId }),
          el('small', { className: 'preview', text: previewOf(approval) }),
          el('small', { text: 'asked ' + when(approval.createdAt) + ' · due ' + when(approval.dueAt) + (approval.level ? ' · escalated' : '') })
        ])]);
        list.appendChild(item);
      });
      state.pendingCursor = page.nextCursor || null;
      $('pending-more').hidden = !state.pendingCursor;
    });
  }

  function select(id) {
    state.selected = id;
    var detail = clear($('detail'));
    detail.appendChild(el('p', { text: 'Loading ' + id + '…' }));
    return api('GET', 'approvals/' + encodeURIComponent(id)).then(function (approval) { renderDetail(approval); })
      .catch(function (error) { clear(detail).appendChild(el('p', { className: 'error', text: error.message })); });
  }

  function renderDetail(approval) {
    var detail = clear($('detail'));
    var isTool = approval.action.kind === 'tool_call';
    detail.appendChild(el('h2', { text: whatOf(approval) + ' in ' + approval.workflowId + ' / ' + approval.nodeId }));
    detail.appendChild(table(null, [
      ['Request', approval.id], ['Status', approval.status], ['Started by', approval.requestedBy || ''],
      ['Asked', when(approval.createdAt)], ['Due', when(approval.dueAt)], ['Level', approval.level],
      ['Execution', approval.executionId]
    ]));
    var conversation = approval.context && approval.context.conversation || [];
    if (conversation.length) {
      detail.appendChild(el('h3', { text: 'Conversation' }));
      var turns = el('div', { className: 'turns' });
      conversation.slice(-20).forEach(function (turn) {
        turns.appendChild(el('div', { className: 'turn ' + turn.role }, [el('strong', { text: turn.role + (turn.toolName ? ' ' + turn.toolName : '') }), el('p', { text: turn.content })]));
      });
      detail.appendChild(turns);
    }
    var facts = approval.context && approval.context.facts || {};
    if (Object.keys(facts).length) {
      detail.appendChild(el('h3', { text: 'Facts' }));
      detail.appendChild(table(['Fact', 'Value'], Object.keys(facts).map(function (k) { return [k, typeof facts[k] === 'string' ? facts[k] : JSON.stringify(facts[k])]; })));
    }
    var args = null;
    if (isTool) {
      detail.appendChild(el('h3', { text: 'Arguments (edit before approving if needed)' }));
      args = el('textarea', { id: 'args', rows: '8', spellcheck: 'false', 'aria-label': 'tool arguments' });
      args.value = JSON.stringify(approval.action.toolCall.args, null, 2);
      detail.appendChild(args);
    } else {
      detail.appendChild(el('h3', { text: 'Message' }));
      detail.appendChild(el('pre', { text: approval.action.text }));
    }
    // The API says where the caller may decide; elsewhere the request is shown, never offered.
    if (approval.status === 'pending' && approval.canDecide === true) {
      var reason = el('input', { id: 'reason', placeholder: 'reason (optional)', maxlength: '2000', 'aria-label': 'reason' });
      var scope = el('select', { id: 'scope', 'aria-label': 'scope' }, [
        el('option', { value: 'once', text: 'this call only' }),
        el('option', { value: 'execution', text: 'this tool for the rest of the run' })
      ]);
      var decide = function (decision) {
        var payload = { decision: decision, scope: scope.value };
        if (reason.value.trim()) payload.reason = reason.value.trim();
        if (args && decision === 'approve') {
          var original = JSON.stringify(approval.action.toolCall.args);
          try {
            var edited = JSON.parse(args.value);
            if (edited === null || typeof edited !== 'object' || Array.isArray(edited)) throw new Error('arguments must be a JSON object');
            if (JSON.stringify(edited) !== original) payload.editedArgs = edited;
          } catch (error) { show('Arguments are not valid JSON: ' + error.message, true); return; }
        }
        show('Sending…');
        api('POST', 'approvals/' + encodeURIComponent(approval.id) + '/respond', payload).then(function (result) {
          show('Request ' + result.approval.status + (result.delivery === 'delivered' ? '; the workflow goes on.' : '; the workflow will get it shortly.'));
          renderDetail(result.approval);
          loadPending(false);
        }).catch(function (error) { show(error.message, true); });
      };
      detail.appendChild(el('div', { className: 'decide' }, [reason, scope,
        el('button', { type: 'button', id: 'approve', className: 'approve', text: 'Approve', onclick: function () { decide('approve'); } }),
        el('button', { type: 'button', id: 'reject', className: 'reject', text: 'Reject', onclick: function () { decide('reject'); } })
      ]));
    } else if (approval.status === 'pending') {
      detail.appendChild(el('p', { className: 'empty', text: 'You can see this request but not decide it now.' }));
    } else if (approval.decision) {
      var d = approval.decision;
      detail.appendChild(el('p', { className: 'outcome', text: d.outcome + ' by ' + d.approver + (d.onBehalfOf ? ' on behalf of ' + d.onBehalfOf : '') + ' via ' + d.channel + ' at ' + when(d.decidedAt) + (d.reason ? ': ' + d.reason : '') + gaveUp(approval) }));
    }
    var inboxActions = inboxActionsOf(approval);
    if (inboxActions.length) detail.appendChild(el('div', { className: 'decide inbox-actions' }, inboxActions));
    detail.appendChild(el('h3', { text: 'History' }));
    detail.appendChild(table(['When', 'Event', 'By', 'Detail'], (approval.events || []).map(function (e) {
      return [when(e.at), e.type, e.actor, e.detail ? JSON.stringify(e.detail) : ''];
    })));
  }

  // A webhook that failed for more than a day: the caller never heard the decision.
  function gaveUp(a) { return a.delivery === 'gave_up' ? ' (webhook delivery gave up)' : ''; }

  // Extend and Cancel, where the API says the caller may (canExtend, canCancel); the routes check again.
  function inboxActionsOf(approval) {
    var controls = [];
    var path = 'approvals/' + encodeURIComponent(approval.id);
    if (approval.canExtend === true) {
      var minutes = el('input', { id: 'extend-minutes', type: 'number', min: '1', step: '1', value: '30', 'aria-label': 'minutes to extend the deadline by' });
      controls.push(minutes, el('button', { type: 'button', id: 'extend', text: 'Extend deadline (minutes)', onclick: function () {
        var bySeconds = Math.round(Number(minutes.value) * 60);
        if (!(bySeconds > 0)) { show('Give the number of minutes to extend by.', true); return; }
        show('Sending…');
        api('POST', path + '/extend', { bySeconds: bySeconds }).then(function (result) {
          show('Now due ' + when(result.dueAt) + '.');
          select(approval.id);
        }).catch(function (error) { show(error.message, true); });
      } }));
    }
    if (approval.canCancel === true) {
      var why = el('input', { id: 'cancel-reason', placeholder: 'why cancel (the agent reads it)', maxlength: '2000', 'aria-label': 'cancel reason' });
      controls.push(why, el('button', { type: 'button', id: 'cancel', className: 'reject', text: 'Cancel request', onclick: function () {
        var reason = why.value.trim();
        if (!reason) { show('Say why you cancel it: the agent passes the reason on.', true); return; }
        if (!window.confirm('Cancel this request? The workflow goes on as after a rejection, with your reason.')) return;
        show('Sending…');
        api('POST', path + '/cancel', { reason: reason }).then(function (result) {
          show('Request cancelled' + (result.delivery === 'delivered' ? '; the workflow goes on.' : '; the workflow will get it shortly.'));
          renderDetail(result.approval);
          loadPending(false);
        }).catch(function (error) { show(error.message, true); });
      } }));
    }
    return controls;
  }

  function loadHistory() {
    var box = clear($('history-list'));
    return api('GET', 'history?limit=50').then(function (page) {
      box.appendChild(table(['Decided', 'Workflow / node', 'Action', 'Outcome', 'By', 'Via', 'Reason'], page.items.map(function (a) {
        var d = a.decision || {};
        return [when(d.decidedAt), a.workflowId + ' / ' + a.nodeId, whatOf(a), (d.outcome || a.status) + gaveUp(a), d.approver, d.channel, d.reason || ''];
      })));
    });
  }
  function loadAudit() {
    var box = clear($('audit-list'));
    return api('GET', 'audit?limit=50').then(function (page) {
      box.appendChild(table(['When', 'Kind', 'Actor', 'Workflow / node', 'Request', 'Detail'], page.items.map(function (e) {
        return [when(e.at), e.kind, e.actor, e.workflowId + (e.nodeId ? ' / ' + e.nodeId : ''), e.requestId || '', JSON.stringify(e.detail).slice(0, 300)];
      })));
    });
  }

  // The flow editor (its own script, loaded after this one) registers window.hitlFlowEditor.
  function seconds(value) { return value === null || value === undefined ? '-' : '\u2264 ' + value + ' s'; }
  function loadStats() {
    var box = clear($('stats-list'));
    return api('GET', 'stats').then(function (stats) {
      box.appendChild(el('p', { className: 'empty', text: 'Decisions from ' + when(stats.from) + ' to ' + when(stats.to) + '. Times are bucket upper bounds.' }));
      box.appendChild(table(['Workflow / node', 'Tool', 'Approved', 'Rejected', 'Timed out', 'Escalated', 'p50', 'p90', 'p99'], stats.items.map(function (row) {
        var t = row.secondsToDecision || {};
        return [row.workflowId + ' / ' + row.nodeId, row.tool, String(row.approved), String(row.rejected), String(row.timed_out), String(row.escalated), seconds(t.p50), seconds(t.p90), seconds(t.p99)];
      })));
    });
  }
  function loadFlows() { return window.hitlFlowEditor ? window.hitlFlowEditor.load() : Promise.resolve(); }

  function setTab(tab) {
    state.tab = tab;
    ['pending', 'history', 'audit', 'stats', 'flows'].forEach(function (name) {
      $('tab-' + name).setAttribute('aria-selected', String(name === tab));
      $('panel-' + name).hidden = name !== tab;
    });
    refresh();
  }
  function refresh() {
    if (!identity()) { show(auth === 'cognito' ? 'Sign in to see approvals.' : 'Enter who you are (user and groups) to see approvals.'); return; }
    var loaders = { pending: function () { return loadPending(false); }, history: loadHistory, audit: loadAudit, stats: loadStats, flows: loadFlows };
    var load = loaders[state.tab]();
    load.then(function () { if ($('status').className.indexOf('error') >= 0) show(''); })
      .catch(function (error) { show(error.message, true); });
  }

  $('tab-pending').addEventListener('click', function () { setTab('pending'); });
  $('tab-history').addEventListener('click', function () { setTab('history'); });
  $('tab-audit').addEventListener('click', function () { setTab('audit'); });
  $('tab-stats').addEventListener('click', function () { setTab('stats'); });
  $('tab-flows').addEventListener('click', function () { setTab('flows'); });
  $('refresh').addEventListener('click', refresh);
  $('pending-more').addEventListener('click', function () { loadPending(true).catch(function (e) { show(e.message, true); }); });

  // What the flow editor script builds on.
  window.hitlDashboard = { api: api, el: el, clear: clear, show: show, when: when, identity: identity };

  (auth === 'cognito' ? finishCognitoSignIn() : Promise.resolve()).then(function () {
    renderIdentity();
    setTab('pending');
    var wanted = new URLSearchParams(location.search).get('request');
    if (wanted && identity()) select(wanted);
  });
  setInterval(function () { if (state.tab === 'pending' && identity() && !document.hidden) loadPending(false).catch(function () {}); }, 15000);
})();
`;
