// The console page's script (vanilla JavaScript, no dependencies).
// Kept as a string module so the compiled service (dist/) serves it with no copy step.
export const CONSOLE_SCRIPT = String.raw`// The operator console's client: hash routes, one view per route, every value written as text
// (never HTML). Reads /console/api/*; the only write is on-demand refresh (POST /cache/...).
(function () {
  'use strict';

  var main = document.getElementById('main');
  var instanceEl = document.getElementById('instance');

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'text') el.textContent = String(v);
        else if (k === 'onclick' || k === 'onsubmit' || k === 'onchange') el[k] = v;
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  function link(href, text, attrs) {
    var a = h('a', Object.assign({ href: href }, attrs || {}));
    a.textContent = text;
    return a;
  }
  function enc(s) { return encodeURIComponent(s); }
  function when(ms) {
    if (ms === null || ms === undefined) return '—';
    var ago = Math.round((Date.now() - ms) / 1000);
    var rel = ago < 0 ? 'just now' : ago < 60 ? ago + ' s ago' : ago < 3600 ? Math.round(ago / 60) + ' min ago' : Math.round(ago / 3600) + ' h ago';
    return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') + ' (' + rel + ')';
  }
  function badge(state) { return h('span', { class: 'badge state-' + state, text: state }); }
  function json(value) { return h('pre', { class: 'json', text: JSON.stringify(value, null, 2) }); }
  function table(headers, rows, attrs) {
    return h('table', attrs || {},
      h('thead', null, h('tr', null, headers.map(function (x) { return h('th', { text: x }); }))),
      h('tbody', null, rows.length === 0 ? h('tr', null, h('td', { colspan: headers.length, class: 'empty', text: 'nothing to show' })) : rows));
  }
  function row(cells) { return h('tr', null, cells.map(function (c) { return h('td', null, c); })); }
  function section(title) {
    var s = h('section', null, h('h2', { text: title }));
    for (var i = 1; i < arguments.length; i++) append(s, arguments[i]);
    return s;
  }

  function api(path, options) {
    return fetch(path, Object.assign({ headers: { accept: 'application/json' } }, options || {})).then(function (res) {
      return res.text().then(function (text) {
        var body = text === '' ? null : JSON.parse(text);
        if (!res.ok) {
          var err = new Error((body && body.message) || res.status + ' ' + res.statusText);
          err.status = res.status;
          throw err;
        }
        return body;
      });
    });
  }

  function parseHash() {
    var raw = location.hash.replace(/^#\/?/, '');
    var q = raw.indexOf('?');
    var path = q < 0 ? raw : raw.slice(0, q);
    var params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    return { parts: path === '' ? [] : path.split('/').map(decodeURIComponent), params: params };
  }

  function setActive(name) {
    Array.prototype.forEach.call(document.querySelectorAll('nav a'), function (a) {
      a.classList.toggle('active', a.getAttribute('data-view') === name);
    });
  }

  function show(title, content) {
    main.textContent = '';
    main.appendChild(h('h1', { text: title }));
    append(main, content);
    document.title = title + ' · Clouddriver console';
  }
  function fail(err) {
    main.appendChild(h('p', { class: 'error', role: 'alert', text: (err.status === 403 ? 'Not allowed: ' : 'Error: ') + err.message }));
  }

  // ---- views ----

  function overview() {
    setActive('overview');
    return api('/console/api/overview').then(function (o) {
      instanceEl.textContent = 'instance ' + o.instance;
      var states = Object.keys(o.accounts.byState).sort();
      show('Overview', [
        h('div', { class: 'cards' },
          h('div', { class: 'card' }, h('div', { class: 'big', text: o.accounts.total }), 'accounts'),
          states.map(function (s) { return h('div', { class: 'card' }, h('div', { class: 'big', text: o.accounts.byState[s] }), badge(s)); }),
          h('div', { class: 'card' }, h('div', { class: 'big', text: o.agents.total }), 'caching agents'),
          h('div', { class: 'card' + (o.agents.failing > 0 ? ' bad' : '') }, h('div', { class: 'big', text: o.agents.failing }), link('#/agents?failing=true', 'failing agents'))),
        section('First sync',
          h('p', { id: 'first-sync' }, progress({ done: o.firstSync.synced + o.firstSync.failing, total: o.firstSync.total, unit: 'accounts' }),
            ' · ' + o.firstSync.syncing + ' syncing, ' + o.firstSync.failing + ' failing, ' + o.firstSync.following + ' followed from other instances, ' + o.firstSync.objects + ' objects')),
        section('Accounts still syncing',
          table(['provider', 'account', 'progress', 'objects so far'], o.syncing.map(function (a) {
            return row([a.provider, a.name, progress(a.progress), a.objects === null ? '—' : a.objects]);
          }))),
        h('p', { class: 'muted', text: 'Providers: ' + o.providers.join(', ') }),
      ]);
    });
  }
  function progress(p) {
    if (!p) return '—';
    var pct = p.total === 0 ? 0 : Math.round((100 * p.done) / p.total);
    return h('span', null, h('progress', { max: p.total, value: p.done }), ' ' + p.done + '/' + p.total + ' ' + p.unit + ' (' + pct + '%)');
  }

  function accounts() {
    setActive('accounts');
    return api('/console/api/accounts').then(function (list) {
      show('Accounts', table(['provider', 'account', 'state', 'objects', 'last successful sync', 'last error', 'owner', 'agents'], list.map(function (a) {
        return row([
          a.provider,
          h('span', { 'data-account': a.name, text: a.name }),
          [badge(a.state), a.stale ? h('span', { class: 'badge state-stale', text: 'stale data' }) : null, a.progress ? progress(a.progress) : null],
          a.objects === null ? '—' : a.objects,
          when(a.lastSyncMs),
          a.lastError ? h('span', { class: 'error', text: a.lastError }) : '—',
          a.owner || '—',
          link('#/agents?account=' + enc(a.name), a.agents + ' agent' + (a.agents === 1 ? '' : 's')),
        ]);
      }), { id: 'accounts' }));
    });
  }

  function agents(params) {
    setActive('agents');
    var qs = new URLSearchParams();
    if (params.get('account')) qs.set('account', params.get('account'));
    if (params.get('failing')) qs.set('failing', 'true');
    return api('/console/api/agents?' + qs.toString()).then(function (page) {
      show('Caching agents', [
        h('p', { class: 'muted', text: page.total + ' agent(s)' + (params.get('account') ? ' of account ' + params.get('account') : '') + (params.get('failing') ? ', failing only' : '') }),
        table(['agent', 'state', 'last run', 'duration', 'added / evicted', 'last success', 'failures', 'last error', 'lease holder'], page.agents.map(function (a) {
          var r = a.lastRun;
          return row([
            a.id,
            [badge(a.state), a.running ? h('span', { class: 'badge state-syncing', text: 'running' }) : null],
            r ? when(r.startMs) : 'not yet',
            r ? r.durationMs + ' ms' : '—',
            r ? r.additions + ' / ' + r.evictions : '—',
            when(a.lastSuccessMs),
            a.failures + ' of ' + a.runs + (a.consecutiveFailures > 0 ? ' (' + a.consecutiveFailures + ' in a row)' : ''),
            a.lastError ? h('span', { class: 'error', text: a.lastError }) : '—',
            a.leaseHolder ? (a.leaseHeldHere ? 'this instance' : a.leaseHolder) : '—',
          ]);
        }), { id: 'agents' }),
      ]);
    });
  }

  function cacheTypes() {
    setActive('cache');
    return api('/console/api/cache').then(function (providers) {
      show('Cache', providers.map(function (p) {
        return section(p.provider + ' (' + p.namespace + ')', h('ul', { class: 'types' }, p.types.map(function (t) {
          return h('li', null, link('#/cache/' + enc(p.provider) + '/' + enc(t.type), t.type, { 'data-type': t.type }), h('span', { class: 'muted', text: ' ' + t.count }));
        })));
      }));
    });
  }

  function cacheKeys(provider, type, params) {
    setActive('cache');
    var q = params.get('q') || '';
    var offset = Number(params.get('offset') || 0);
    var limit = 50;
    return api('/console/api/cache/' + enc(provider) + '/' + enc(type) + '/keys?q=' + enc(q) + '&offset=' + offset + '&limit=' + limit).then(function (page) {
      var input = h('input', { type: 'search', name: 'q', value: q, placeholder: 'part of a key', 'aria-label': 'search keys' });
      var form = h('form', { class: 'inline', onsubmit: function (e) { e.preventDefault(); location.hash = '#/cache/' + enc(provider) + '/' + enc(type) + '?q=' + enc(input.value); } }, input, h('button', { type: 'submit', text: 'Search' }));
      var base = '#/cache/' + enc(provider) + '/' + enc(type) + '?q=' + enc(q) + '&offset=';
      show(provider + ' · ' + type, [
        h('p', null, link('#/cache', '← all types')),
        form,
        h('p', { class: 'muted', text: page.total + ' key(s)' + (q ? ' containing "' + q + '"' : '') + (page.total > 0 ? ', showing ' + (offset + 1) + '–' + (offset + page.keys.length) : '') }),
        h('ul', { class: 'keys', id: 'keys' }, page.keys.map(function (id) { return h('li', null, link(itemHref(provider, type, id), id)); })),
        h('p', { class: 'pager' },
          offset > 0 ? link(base + Math.max(0, offset - limit), '← previous') : null, ' ',
          offset + limit < page.total ? link(base + (offset + limit), 'next →') : null),
      ]);
    });
  }
  function itemHref(provider, type, id) { return '#/item/' + enc(provider) + '/' + enc(type) + '/' + enc(id); }

  function item(provider, type, id, params) {
    setActive('cache');
    var inbound = params.get('inbound') === 'true';
    return api('/console/api/cache/' + enc(provider) + '/' + enc(type) + '/item?id=' + enc(id) + (inbound ? '&inbound=true' : '')).then(function (it) {
      var relTypes = Object.keys(it.relationships).sort();
      var refresh = null;
      if (it.onDemand) {
        var out = h('span', { class: 'muted', id: 'refresh-result' });
        var button = h('button', { id: 'refresh', type: 'button', text: 'Refresh from the cloud', onclick: function () {
          button.disabled = true;
          out.textContent = 'refreshing…';
          api(it.onDemand.path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(it.onDemand.body) })
            .then(function (res) { out.textContent = 'Refreshed at ' + new Date().toISOString() + ': ' + JSON.stringify(res.cachedIdentifiersByType || res); })
            .catch(function (err) { out.textContent = 'Refresh failed: ' + err.message; })
            .then(function () { button.disabled = false; });
        } });
        refresh = h('p', null, button, ' ', out);
      }
      show(type + ' ' + shortName(id), [
        h('p', null, link('#/cache/' + enc(provider) + '/' + enc(type), '← ' + type + ' keys')),
        h('p', { class: 'key', text: id }),
        it.expiresAtMs ? h('p', { class: 'muted', text: 'expires ' + when(it.expiresAtMs) }) : null,
        refresh,
        section('Relationships (what it points to)',
          relTypes.length === 0 ? h('p', { class: 'muted', text: 'none' }) :
          h('div', { id: 'relationships' }, relTypes.map(function (rt) {
            return h('div', { class: 'rel', 'data-rel': rt }, h('h3', { text: rt + ' (' + it.relationships[rt].length + ')' }), h('ul', null, it.relationships[rt].map(function (r) {
              return h('li', null, r.cached ? link(itemHref(provider, rt, r.id), r.id) : h('span', { class: 'missing', text: r.id + ' (not cached)' }), r.pointsBack ? h('span', { class: 'muted', title: 'the related item links back', text: ' ↔' }) : h('span', { class: 'muted', title: 'one way', text: ' →' }));
            })));
          }))),
        section('Referenced by (what points to it)',
          it.referencedBy === null
            ? link(itemHref(provider, type, id) + '?inbound=true', 'Scan every type for items pointing here', { id: 'scan-inbound' })
            : h('div', { id: 'referenced-by' }, Object.keys(it.referencedBy).length === 0 ? h('p', { class: 'muted', text: 'nothing points here' }) : Object.keys(it.referencedBy).sort().map(function (rt) {
              return h('div', null, h('h3', { text: rt }), h('ul', null, it.referencedBy[rt].map(function (rid) { return h('li', null, link(itemHref(provider, rt, rid), rid)); })));
            }), it.unscannedTypes.length ? h('p', { class: 'muted', text: 'not scanned (too many items): ' + it.unscannedTypes.join(', ') }) : null)),
        section('Attributes', json(it.attributes)),
      ]);
    });
  }
  function shortName(id) { var parts = id.split(':'); return parts[parts.length - 1] || id; }

  function missing(params) {
    setActive('missing');
    var fields = {};
    function field(name, label, placeholder) {
      fields[name] = h('input', { name: name, value: params.get(name) || '', placeholder: placeholder || '', 'aria-label': label });
      return h('label', null, label + ' ', fields[name]);
    }
    var form = h('form', { class: 'inline', id: 'missing-form', onsubmit: function (e) {
      e.preventDefault();
      var qs = new URLSearchParams();
      Object.keys(fields).forEach(function (k) { if (fields[k].value.trim()) qs.set(k, fields[k].value.trim()); });
      location.hash = '#/missing?' + qs.toString();
    } }, field('name', 'name', 'application, cluster or object'), field('account', 'account'), field('namespace', 'namespace'), field('kind', 'kind'), h('button', { type: 'submit', text: 'Explain' }));
    var name = params.get('name');
    if (!name) { show('Why is this missing?', [form, h('p', { class: 'muted', text: 'Give an application, a cluster ("deployment web") or an object name: the console shows the cached keys that match, what they point to, and which caching filter keeps matching objects out.' })]); return Promise.resolve(); }
    var qs = new URLSearchParams(params);
    return api('/console/api/missing?' + qs.toString()).then(function (res) {
      show('Why is this missing?', [form].concat(res.providers.map(function (p) {
        return section(p.provider,
          p.notes.map(function (n) { return h('p', { class: 'note', text: n }); }),
          p.errors.map(function (e) { return h('p', { class: 'error', text: e.account + ': ' + e.message }); }),
          h('h3', { text: 'Cached keys' }),
          table(['type', 'key', 'points to'], p.found.map(function (f) {
            return row([f.type, link(itemHref(p.provider, f.type, f.id), f.id), h('ul', null, Object.keys(f.relationships).map(function (rt) {
              return h('li', null, rt + ': ', f.relationships[rt].length === 0 ? 'nothing' : f.relationships[rt].slice(0, 20).map(function (rid, i) { return [i ? ', ' : '', link(itemHref(p.provider, rt, rid), shortName(rid))]; }));
            }))]);
          }), { id: 'missing-found' }),
          h('h3', { text: 'Objects of that name in the cloud' }),
          table(['account', 'object', 'cached', 'filters'], p.live.map(function (o) {
            var excluded = o.filters.filter(function (f) { return f.excludes; });
            return row([o.account, o.kind + ' ' + o.name + (o.namespace ? ' in ' + o.namespace : ''),
              o.cached ? link(itemHref(p.provider, o.kind, o.key), 'yes') : h('span', { class: 'missing', text: 'no' }),
              h('ul', { class: 'filters' }, o.filters.map(function (f) { return h('li', { class: f.excludes ? 'excludes' : 'passes' }, h('b', { text: f.filter + (f.excludes ? ' excludes it' : ' passes') }), ': ' + f.detail); })),
            ]);
          }), { id: 'missing-live' }));
      })));
    });
  }

  function tasks(params) {
    setActive('tasks');
    var state = params.get('state') || '';
    var q = params.get('q') || '';
    return api('/console/api/tasks?state=' + enc(state) + '&q=' + enc(q)).then(function (list) {
      var select = h('select', { name: 'state', 'aria-label': 'state' }, ['', 'STARTED', 'COMPLETED', 'FAILED', 'FAILED_RETRYABLE'].map(function (s) { return h('option', { value: s, selected: s === state, text: s || 'any state' }); }));
      var input = h('input', { type: 'search', name: 'q', value: q, placeholder: 'id, operation, account, status', 'aria-label': 'filter tasks' });
      var form = h('form', { class: 'inline', onsubmit: function (e) { e.preventDefault(); location.hash = '#/tasks?state=' + enc(select.value) + '&q=' + enc(input.value); } }, select, input, h('button', { type: 'submit', text: 'Filter' }));
      show('Tasks', [form, table(['task', 'state', 'operations', 'accounts', 'status', 'started', 'by'], list.map(function (t) {
        return row([link('#/task/' + enc(t.id), t.id), badge(t.state.toLowerCase()), t.operations.join(', ') || '—', t.accounts.join(', ') || '—', t.status, when(t.startTimeMs), t.user || '—']);
      }), { id: 'tasks' })]);
    });
  }

  function task(id) {
    setActive('tasks');
    return api('/console/api/tasks/' + enc(id)).then(function (t) {
      show('Task ' + t.id, [
        h('p', null, link('#/tasks', '← tasks')),
        h('p', null, badge(t.state.toLowerCase()), ' ' + (t.operations.join(', ') || '') + (t.accounts.length ? ' on ' + t.accounts.join(', ') : '') + ' · started ' + when(t.startTimeMs) + ' · owner ' + t.ownerId),
        section('History', h('ol', { class: 'history', id: 'history' }, t.history.map(function (l) { return h('li', null, h('b', { text: l.phase }), ' ' + l.status, h('span', { class: 'muted', text: ' ' + l.state })); }))),
        section('Result objects', t.resultObjects.length === 0 ? h('p', { class: 'muted', text: 'none' }) : json(t.resultObjects)),
        t.outputs.length ? section('Outputs', json(t.outputs)) : null,
      ]);
    });
  }

  function route() {
    if (!instanceEl.textContent) api('/console/api/overview').then(function (o) { instanceEl.textContent = 'instance ' + o.instance; }).catch(function () { /* shown again on the overview */ });
    var r = parseHash();
    var p = r.parts;
    var view;
    if (p.length === 0 || p[0] === 'overview') view = overview();
    else if (p[0] === 'accounts') view = accounts();
    else if (p[0] === 'agents') view = agents(r.params);
    else if (p[0] === 'cache' && p.length === 1) view = cacheTypes();
    else if (p[0] === 'cache' && p.length >= 3) view = cacheKeys(p[1], p[2], r.params);
    else if (p[0] === 'item' && p.length >= 4) view = item(p[1], p[2], p.slice(3).join('/'), r.params);
    else if (p[0] === 'missing') view = missing(r.params);
    else if (p[0] === 'tasks') view = tasks(r.params);
    else if (p[0] === 'task' && p.length >= 2) view = task(p[1]);
    else { show('Not found', h('p', { text: 'No console page ' + location.hash })); return; }
    main.setAttribute('aria-busy', 'true');
    Promise.resolve(view).catch(fail).then(function () { main.removeAttribute('aria-busy'); });
  }

  window.addEventListener('hashchange', route);
  route();
})();
`;
