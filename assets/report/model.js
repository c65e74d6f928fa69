// kplay's run report in the browser, 1 of 4: the data (the JSON in #report-data, docs/report.md), what is
// derived from it once (the critical path, the slowest tasks) and the filters, kept in the address's #fragment.
// The page's four scripts share one object, window.kplayReport.
(() => {
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
  /** Each task's result on the critical path (the host that held the next task back). */
  const critByTask = new Map();
  for (const r of results) if (critical.has(r.i) && !critByTask.has(r.t)) critByTask.set(r.t, r);
  const spanOf = (rs) =>
    rs.reduce((m, r) => Math.max(m, r.end), 0) - rs.reduce((m, r) => Math.min(m, r.at), Number.POSITIVE_INFINITY);
  /** Host names as people sort them: h2 before h10. */
  const byName = new Intl.Collator(undefined, { numeric: true }).compare;

  /** The items of a list by a key, in their order. */
  function groupBy(list, key) {
    const out = new Map();
    for (const x of list) {
      const k = key(x);
      const g = out.get(k);
      if (g) g.push(x);
      else out.set(k, [x]);
    }
    return out;
  }
  const byTask = groupBy(results, (r) => r.t);
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
  const haystack = (r) =>
    [r.task.title, r.host, r.msg, r.item, where(r.task), (r.changes || []).join(' '), r.out].join('\n').toLowerCase();
  const matches = (r) =>
    (!state.host || r.host === state.host) &&
    (!state.status || r.s === state.status) &&
    (!state.tag || (r.task.tags || []).includes(state.tag)) &&
    (!state.q || haystack(r).includes(state.q.toLowerCase()));

  window.kplayReport = {
    D,
    num,
    STATUSES,
    BAD,
    MAX_ROWS,
    el,
    fmtMs,
    badge,
    firstLine,
    where,
    results,
    runMs,
    critByTask,
    groupBy,
    byName,
    slowest,
    slowRank,
    state,
    readHash,
    writeHash,
    matches,
  };
})();
