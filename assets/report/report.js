// kplay's run report in the browser: draws the views from the JSON in #report-data (docs/report.md) with DOM
// nodes and text only. The filters (host, status, tag, text) live in the address's #fragment, so a filtered view
// can be linked and reloaded.
(() => {
  'use strict';
  const D = JSON.parse(document.getElementById('report-data').textContent);
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  /** Worst first: a task's bar takes the colour of the worst result it holds. */
  const STATUSES = ['failed', 'unreachable', 'changed', 'uncertain', 'ignored', 'rescued', 'ok', 'skipped'];
  const BAD = new Set(['failed', 'unreachable']);
  const SLOWEST = 10;
  const MAX_ROWS = 3000;

  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else if (k === 'style') Object.assign(n.style, v);
      else n.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of kids.flat(Infinity)) if (c !== undefined && c !== null && c !== false) n.append(c);
    return n;
  }
  const fmtMs = (ms) => {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    return `${Math.floor(ms / 60000)} min ${String(Math.round((ms % 60000) / 1000)).padStart(2, '0')} s`;
  };
  const badge = (s) => el('span', { class: `badge s-${s}` }, s);
  const firstLine = (s) => (s || '').split('\n')[0];
  const where = (t) => (t.file ? `${t.file}${t.line ? `:${t.line}` : ''}` : '');

  const results = D.results.map((r, i) => {
    const at = num(r.at);
    const ms = num(r.ms);
    return { ...r, i, at, ms, end: at + ms, task: D.tasks[r.t], host: D.hosts[r.h] };
  });
  const runMs = results.reduce((m, r) => Math.max(m, r.end), Math.max(1, num(D.ms)));

  /** The chain of results that decided when the run ended: from the last to finish, each time the result
   *  that finished last before the current one started. */
  function criticalPath() {
    const byEnd = [...results].sort((a, b) => b.end - a.end);
    const path = new Set();
    let cur = byEnd[0];
    while (cur) {
      path.add(cur.i);
      const start = cur.at;
      cur = byEnd.find((r) => r.end <= start + 1 && r.i !== cur.i && !path.has(r.i));
    }
    return path;
  }
  const critical = criticalPath();
  const critTasks = new Set(results.filter((r) => critical.has(r.i)).map((r) => r.t));
  const spanOf = (rs) =>
    rs.reduce((m, r) => Math.max(m, r.end), 0) - rs.reduce((m, r) => Math.min(m, r.at), Number.POSITIVE_INFINITY);
  const byTask = new Map();
  for (const r of results) byTask.set(r.t, [...(byTask.get(r.t) || []), r]);
  const slowest = [...byTask.entries()]
    .map(([t, rs]) => ({ t, span: spanOf(rs) }))
    .sort((a, b) => b.span - a.span)
    .slice(0, Math.min(SLOWEST, Math.ceil(byTask.size / 5)));
  const slowRank = new Map(slowest.map((s, k) => [s.t, k + 1]));

  // ---- filters, kept in the address's fragment
  const state = { host: '', status: '', tag: '', q: '' };
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    for (const k of Object.keys(state)) state[k] = p.get(k) || '';
  }
  function writeHash() {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(state)) if (v) p.set(k, v);
    history.replaceState(null, '', `#${p.toString()}`);
  }
  function setFilter(k, v) {
    state[k] = v;
    writeHash();
    syncControls();
    draw();
  }
  const haystack = (r) =>
    [r.task.title, r.host, r.msg, r.item, where(r.task), (r.changes || []).join(' '), r.out].join('\n').toLowerCase();
  const matches = (r) =>
    (!state.host || r.host === state.host) &&
    (!state.status || r.s === state.status) &&
    (!state.tag || (r.task.tags || []).includes(state.tag)) &&
    (!state.q || haystack(r).includes(state.q.toLowerCase()));

  // ---- the views
  function summary() {
    const exitClass = D.exitCode === 0 ? 'exit-ok' : 'exit-bad';
    const rows = [
      ['playbook', D.playbook],
      ['site', (D.inventories || []).join(', ') || '(none)'],
      ['command', D.command],
      ['user', `${D.user}@${D.controller}`],
      ['started', D.started],
      ['duration', fmtMs(num(D.ms))],
      ['exit', el('span', { class: exitClass, id: 'exit-code' }, String(D.exitCode))],
      ['results', `${results.length} on ${D.hosts.length} hosts, ${D.tasks.length} tasks`],
    ];
    return el(
      'header',
      { id: 'summary' },
      el('h1', {}, `kplay ${D.check ? 'check run (nothing was changed)' : 'run'}`),
      el('dl', { class: 'meta' }, rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    );
  }

  const COUNTS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored', 'uncertain'];
  function recap() {
    const hosts = Object.keys(D.recap);
    const total = Object.fromEntries(COUNTS.map((c) => [c, hosts.reduce((s, h) => s + num(D.recap[h][c]), 0)]));
    const cell = (v) => el('td', { class: `n${v ? '' : ' zero'}` }, String(v));
    return el(
      'section',
      { id: 'recap' },
      el('h2', {}, 'Recap'),
      el(
        'table',
        {},
        el('tr', {}, el('th', {}, 'host'), COUNTS.map((c) => el('th', { class: 'n' }, c)), el('th', { class: 'n' }, 'time')),
        hosts.map((h) =>
          el(
            'tr',
            { 'data-host': h, class: D.recap[h].failed || D.recap[h].unreachable ? 'bad' : undefined },
            el('td', {}, el('a', { class: 'pick', onclick: () => setFilter('host', h) }, h)),
            COUNTS.map((c) => cell(num(D.recap[h][c]))),
            el('td', { class: 'n' }, fmtMs(num(D.recap[h].ms))),
          ),
        ),
        el('tr', {}, el('th', {}, 'all'), COUNTS.map((c) => el('th', { class: 'n' }, String(total[c]))), el('th')),
      ),
    );
  }

  function failures(rs) {
    const bad = rs.filter((r) => BAD.has(r.s));
    if (!bad.length) return undefined;
    return el(
      'section',
      { id: 'failures' },
      el('h2', {}, `Failures (${bad.length})`),
      bad.slice(0, 200).map((r) => {
        const src = D.sources[r.t];
        return el(
          'div',
          { class: 'failure', 'data-host': r.host, 'data-status': r.s },
          el('h3', {}, badge(r.s), ' ', r.host, ' · ', r.task.title, r.item ? ` (item ${r.item})` : ''),
          el('div', { class: 'src' }, where(r.task)),
          el('pre', { class: 'msg' }, r.msg || ''),
          src ? snippet(src) : undefined,
          r.out ? el('pre', { class: 'out' }, r.out) : undefined,
        );
      }),
      bad.length > 200 ? el('p', { class: 'note' }, `… and ${bad.length - 200} more: filter by host or text`) : '',
    );
  }

  function snippet(src) {
    return el(
      'pre',
      { class: 'snippet' },
      src.lines.map((l, k) => {
        const n = src.first + k;
        return el('span', { class: n === src.line ? 'hit' : undefined }, el('span', { class: 'ln' }, String(n)), `${l}\n`);
      }),
    );
  }

  function niceStep(ms) {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);
    return steps.find((s) => ms / s <= 10) || 14400000;
  }
  const pct = (ms) => `${((100 * ms) / runMs).toFixed(3)}%`;

  function timeline(rs) {
    const step = niceStep(runMs);
    const ticks = [];
    for (let t = 0; t <= runMs; t += step) ticks.push(t);
    const lane = (kids) => el('div', { class: 'tl-lane' }, ticks.map((t) => el('div', { class: 'tl-tick', style: { left: pct(t) } })), kids);
    const rows = [];
    const groups = new Map();
    for (const r of rs) groups.set(r.t, [...(groups.get(r.t) || []), r]);
    for (const [t, trs] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
      const task = D.tasks[t];
      const start = Math.min(...trs.map((r) => r.at));
      const end = Math.max(...trs.map((r) => r.end));
      const worst = STATUSES.find((s) => trs.some((r) => r.s === s)) || 'ok';
      const crit = critTasks.has(t);
      const rank = slowRank.get(t);
      const tip = `${task.title}: ${fmtMs(end - start)} over ${trs.length} result(s), from ${fmtMs(start)}` +
        `${crit ? '; on the critical path' : ''}`;
      rows.push(
        el(
          'div',
          { class: 'tl-row', 'data-task': task.title, 'data-status': worst },
          el('div', { class: 'tl-label', title: `${task.title}\n${where(task)}` },
            crit ? el('span', { class: 'crit-mark', title: 'on the critical path' }, '◆ ') : '',
            task.title,
            rank ? el('span', { class: 'slow' }, `slow #${rank}`) : ''),
          lane(el('div', {
            class: `tl-bar s-${worst}${crit ? ' crit' : ''}`, title: tip,
            style: { left: pct(start), width: pct(Math.max(end - start, runMs / 1000)) },
          })),
        ),
      );
    }
    const axis = el('div', { class: 'tl-row axis' }, el('div', { class: 'tl-label' }, 'task'),
      el('div', { class: 'tl-lane' }, ticks.map((t) => el('div', { class: 'tl-tick', style: { left: pct(t) } }, el('span', {}, fmtMs(t))))));
    return el(
      'section',
      { id: 'timeline' },
      el('h2', {}, 'Timeline'),
      el('p', { class: 'legend' }, STATUSES.map((s) => el('span', {}, badge(s))),
        el('span', {}, '◆ critical path (the results that decided when the run ended)'),
        el('span', {}, el('span', { class: 'slow' }, 'slow #1'), ` the ${slowest.length} slowest tasks`)),
      el('div', { class: 'timeline' }, axis, rows),
    );
  }

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
  };

  function taskTable(rs) {
    const groups = new Map();
    for (const r of rs) groups.set(r.t, [...(groups.get(r.t) || []), r]);
    const cols = ['ok', 'changed', 'failed', 'uncertain', 'skipped'];
    const count = (trs, s) => trs.filter((r) => r.s === s || (s === 'failed' && r.s === 'unreachable')).length;
    return el(
      'section',
      { id: 'tasks' },
      el('h2', {}, `Tasks (${groups.size})`),
      el(
        'table',
        {},
        el('tr', {}, el('th', {}, 'task'), el('th', {}, 'source'), el('th', {}, 'tags'),
          cols.map((c) => el('th', { class: 'n' }, c)), ['min', 'median', 'max'].map((c) => el('th', { class: 'n' }, c))),
        [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([t, trs]) => {
          const task = D.tasks[t];
          const ms = trs.map((r) => r.ms);
          return el(
            'tr',
            { 'data-task': task.title, class: trs.some((r) => BAD.has(r.s)) ? 'bad' : undefined },
            el('td', {}, critTasks.has(t) ? el('span', { class: 'crit-mark' }, '◆ ') : '',
              el('a', { class: 'pick', onclick: () => setFilter('q', task.title) }, task.title),
              task.handler ? ' (handler)' : ''),
            el('td', { class: 'src' }, where(task)),
            el('td', {}, (task.tags || []).join(', ')),
            cols.map((c) => { const v = count(trs, c); return el('td', { class: `n${v ? '' : ' zero'}` }, String(v)); }),
            [Math.min(...ms), median(ms), Math.max(...ms)].map((v) => el('td', { class: 'n' }, fmtMs(v))),
          );
        }),
      ),
    );
  }

  function hostResults(rs) {
    const sorted = [...rs].sort((a, b) => a.h - b.h || a.at - b.at);
    return el(
      'section',
      { id: 'results' },
      el('h2', {}, `Results by host (${rs.length})`),
      el(
        'table',
        {},
        el('tr', {}, ['host', 'task', 'status', 'time', 'message'].map((c) => el('th', { class: c === 'time' ? 'n' : undefined }, c))),
        sorted.slice(0, MAX_ROWS).map((r) =>
          el(
            'tr',
            { 'data-host': r.host, 'data-status': r.s, class: BAD.has(r.s) ? 'bad' : undefined },
            el('td', {}, el('a', { class: 'pick', onclick: () => setFilter('host', r.host) }, r.host)),
            el('td', {}, r.task.title, r.item ? ` (item ${r.item})` : ''),
            el('td', {}, badge(r.s)),
            el('td', { class: 'n' }, fmtMs(r.ms)),
            el('td', {}, message(r)),
          ),
        ),
      ),
      rs.length > MAX_ROWS ? el('p', { class: 'note' }, `showing ${MAX_ROWS} of ${rs.length}: filter to see the rest`) : '',
    );
  }

  function message(r) {
    const text = r.msg || (r.changes || []).join('; ');
    const more = (r.msg && r.msg.includes('\n')) || r.out;
    if (!more) return text;
    return el('details', {}, el('summary', {}, firstLine(text)), el('pre', {}, r.msg || ''), r.out ? el('pre', {}, r.out) : '');
  }

  function diffBlock(p) {
    return el('pre', { class: 'diff' }, p.split('\n').map((l) =>
      el('span', { class: l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : undefined }, `${l}\n`)));
  }

  function changes(rs) {
    const ch = rs.filter((r) => (r.diff && r.diff.length) || (r.changes && r.changes.length));
    if (!ch.length) return undefined;
    return el(
      'section',
      { id: 'changes' },
      el('h2', {}, `${D.check ? 'Predicted changes' : 'Changes'} (${ch.length})`),
      ch.slice(0, 500).map((r) =>
        el('div', { class: 'change', 'data-host': r.host },
          el('h3', {}, badge(r.s), ' ', r.host, ' · ', r.task.title),
          r.changes ? el('ul', {}, r.changes.map((c) => el('li', {}, c))) : '',
          (r.diff || []).map((d) => [el('div', { class: 'src' }, d.path), diffBlock(d.patch)])),
      ),
    );
  }

  function warnings() {
    if (!D.warnings.length) return undefined;
    return el('section', { id: 'warnings' }, el('h2', {}, `Warnings (${D.warnings.length})`),
      el('ul', {}, D.warnings.map((w) => el('li', {}, w.host ? `${w.host}: ` : '', w.msg))));
  }

  // ---- the filter bar, made once; the views below it are drawn again on each change
  const controls = {};
  function filterBar() {
    const tags = [...new Set(D.tasks.flatMap((t) => t.tags || []))].sort();
    const statuses = STATUSES.filter((s) => results.some((r) => r.s === s));
    const select = (k, label, options) => {
      controls[k] = el('select', { id: `f-${k}`, onchange: (e) => setFilter(k, e.target.value) },
        el('option', { value: '' }, `every ${label}`), options.map((o) => el('option', { value: o }, o)));
      return el('label', {}, `${label} `, controls[k]);
    };
    controls.q = el('input', { id: 'f-q', type: 'search', placeholder: 'search tasks, hosts, messages, files',
      oninput: (e) => setFilter('q', e.target.value) });
    controls.count = el('span', { class: 'count', id: 'f-count' });
    return el('nav', { class: 'filters' }, select('host', 'host', D.hosts), select('status', 'status', statuses),
      select('tag', 'tag', tags), controls.q,
      el('button', { type: 'button', onclick: () => { for (const k of Object.keys(state)) state[k] = ''; writeHash(); syncControls(); draw(); } }, 'clear'),
      controls.count);
  }
  function syncControls() {
    for (const k of Object.keys(state)) if (controls[k] && controls[k].value !== state[k]) controls[k].value = state[k];
  }

  const app = document.getElementById('app');
  const views = el('main', { id: 'views' });
  function draw() {
    const rs = results.filter(matches);
    controls.count.textContent = `${rs.length} of ${results.length} results`;
    views.replaceChildren(...[failures(rs), timeline(rs), taskTable(rs), hostResults(rs), changes(rs)].filter(Boolean));
  }
  readHash();
  app.replaceChildren(summary(), recap(), warnings() || '', filterBar(), views);
  syncControls();
  draw();
  window.addEventListener('hashchange', () => { readHash(); syncControls(); draw(); });
  document.documentElement.setAttribute('data-ready', 'yes');
})();
