// kplay's run report in the browser, 2 of 4: the summary, the recap, the failures with their source lines and
// the timeline. DOM nodes and text only: no markup is made of the data.
(() => {
  const K = window.kplayReport;
  const {
    D,
    num,
    STATUSES,
    BAD,
    el,
    fmtMs,
    badge,
    where,
    results,
    runMs,
    critByTask,
    groupBy,
    byName,
    slowest,
    slowRank,
  } = K;

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
      el(
        'dl',
        { class: 'meta' },
        rows.map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
      ),
    );
  }

  const COUNTS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored', 'uncertain'];
  const RECAP_OPEN = 12;

  /** The recap: hosts that failed first, then by name (as Ansible sorts it); beyond a dozen hosts it is folded,
   *  its totals and the failed hosts in its title line. */
  function recap() {
    const bad = (h) => num(D.recap[h].failed) + num(D.recap[h].unreachable) > 0;
    const hosts = Object.keys(D.recap).sort((a, b) => Number(bad(b)) - Number(bad(a)) || byName(a, b));
    const total = Object.fromEntries(COUNTS.map((c) => [c, hosts.reduce((s, h) => s + num(D.recap[h][c]), 0)]));
    const cell = (v) => el('td', { class: `n${v ? '' : ' zero'}` }, String(v));
    const failed = hosts.filter(bad);
    const line =
      `Recap: ${hosts.length} hosts · ${COUNTS.filter((c) => total[c])
        .map((c) => `${c} ${total[c]}`)
        .join(' · ')}` +
      (failed.length ? ` · failed or unreachable: ${failed.slice(0, HOSTS_NAMED).join(', ')}` : '') +
      (failed.length > HOSTS_NAMED ? ` and ${failed.length - HOSTS_NAMED} more` : '');
    const table = el(
      'table',
      {},
      el(
        'tr',
        {},
        el('th', {}, 'host'),
        COUNTS.map((c) => el('th', { class: 'n' }, c)),
        el('th', { class: 'n' }, 'time'),
      ),
      hosts.map((h) =>
        el(
          'tr',
          { 'data-host': h, class: bad(h) ? 'bad' : undefined },
          el('td', {}, el('a', { class: 'pick', onclick: () => K.setFilter('host', h) }, h)),
          COUNTS.map((c) => cell(num(D.recap[h][c]))),
          el('td', { class: 'n' }, fmtMs(num(D.recap[h].ms))),
        ),
      ),
      el(
        'tr',
        {},
        el('th', {}, 'all'),
        COUNTS.map((c) => el('th', { class: 'n' }, String(total[c]))),
        el('th'),
      ),
    );
    return el(
      'section',
      { id: 'recap' },
      el(
        'details',
        { open: hosts.length <= RECAP_OPEN },
        el('summary', {}, el('h2', { style: { display: 'inline' } }, line)),
        table,
      ),
    );
  }

  const HOSTS_NAMED = 12;
  /** Results of one task with one message (the same failure on many hosts) as one entry. */
  const grouped = (list) => [
    ...groupBy(list, (r) => `${r.t}\u0000${r.s}\u0000${r.item ?? ''}\u0000${r.msg ?? ''}\u0000${r.out ?? ''}`).values(),
  ];

  /** A failure: its hosts, task, message, its task's source lines, the end of its output. */
  function failure(rs) {
    const r = rs[0];
    const src = D.sources[r.t];
    const hosts = rs
      .slice(0, HOSTS_NAMED)
      .map((x) => x.host)
      .join(', ');
    const more = rs.length > HOSTS_NAMED ? ` and ${rs.length - HOSTS_NAMED} more hosts` : '';
    return el(
      'div',
      {
        class: 'failure',
        'data-host': rs.length === 1 ? r.host : undefined,
        'data-hosts': rs.length,
        'data-status': r.s,
      },
      el('h3', {}, badge(r.s), ' ', hosts + more, ' · ', r.task.title, r.item ? ` (item ${r.item})` : ''),
      el('div', { class: 'src' }, where(r.task)),
      el('pre', { class: 'msg' }, r.msg || ''),
      src ? snippet(src) : undefined,
      r.out ? el('pre', { class: 'out' }, r.out) : undefined,
    );
  }

  const SHOWN = 200;
  const moreNote = (n) =>
    n > SHOWN ? el('p', { class: 'note' }, `… and ${n - SHOWN} more: filter by host or text`) : '';
  const count = (n, groups) =>
    `${n}${groups.length < n ? ` on ${groups.length === 1 ? 'one task' : `${groups.length} entries`}` : ''}`;

  function failures(rs) {
    const bad = rs.filter((r) => BAD.has(r.s));
    if (!bad.length) return undefined;
    const groups = grouped(bad);
    return el(
      'section',
      { id: 'failures' },
      el('h2', {}, `Failures (${count(bad.length, groups)})`),
      groups.slice(0, SHOWN).map(failure),
      moreNote(groups.length),
    );
  }

  /** Failures the playbook let pass (ignore_errors): often what a later failure reports (a list of checks). Open
   *  when the run failed. */
  function ignored(rs) {
    const list = rs.filter((r) => r.s === 'ignored');
    if (!list.length) return undefined;
    const groups = grouped(list);
    return el(
      'section',
      { id: 'ignored' },
      el(
        'details',
        { open: D.exitCode !== 0 },
        el(
          'summary',
          {},
          el('h2', { style: { display: 'inline' } }, `Failures ignored (${count(list.length, groups)})`),
        ),
        groups.slice(0, SHOWN).map(failure),
        moreNote(groups.length),
      ),
    );
  }

  function snippet(src) {
    return el(
      'pre',
      { class: 'snippet' },
      src.lines.map((l, k) => {
        const n = src.first + k;
        return el(
          'span',
          { class: n === src.line ? 'hit' : undefined },
          el('span', { class: 'ln' }, String(n)),
          `${l}\n`,
        );
      }),
    );
  }

  function niceStep(ms) {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);
    return steps.find((s) => ms / s <= 10) || 14400000;
  }
  const pct = (ms) => `${((100 * ms) / runMs).toFixed(3)}%`;

  /** The critical host's name beside its bar: after it, or before it near the axis' end. */
  const hostLabel = (r) =>
    el(
      'span',
      {
        class: 'tl-host',
        style:
          r.end > runMs * 0.85 ? { right: `calc(${pct(runMs - r.at)} + 4px)` } : { left: `calc(${pct(r.end)} + 4px)` },
      },
      r.host,
    );

  function timeline(rs) {
    const step = niceStep(runMs);
    const ticks = [];
    for (let t = 0; t <= runMs; t += step) ticks.push(t);
    const lane = (kids) =>
      el(
        'div',
        { class: 'tl-lane' },
        ticks.map((t) => el('div', { class: 'tl-tick', style: { left: pct(t) } })),
        kids,
      );
    const rows = [];
    for (const [t, trs] of [...groupBy(rs, (r) => r.t).entries()].sort((a, b) => a[0] - b[0])) {
      const task = D.tasks[t];
      const start = trs.reduce((m, r) => Math.min(m, r.at), Number.POSITIVE_INFINITY);
      const end = trs.reduce((m, r) => Math.max(m, r.end), 0);
      const worst = STATUSES.find((s) => trs.some((r) => r.s === s)) || 'ok';
      const critR = critByTask.get(t);
      const crit = critR !== undefined;
      const rank = slowRank.get(t);
      const tip =
        `${task.title}: ${fmtMs(end - start)} over ${trs.length} result(s), from ${fmtMs(start)}` +
        `${crit ? '; on the critical path' : ''}`;
      rows.push(
        el(
          'div',
          { class: 'tl-row', 'data-task': task.title, 'data-status': worst },
          el(
            'div',
            { class: 'tl-label', title: `${task.title}\n${where(task)}` },
            crit ? el('span', { class: 'crit-mark', title: 'on the critical path' }, '◆ ') : '',
            task.title,
            rank ? el('span', { class: 'slow' }, `slow #${rank}`) : '',
          ),
          lane([
            el('div', {
              class: `tl-bar s-${worst}${crit ? ' crit' : ''}`,
              title: tip,
              style: { left: pct(start), width: pct(Math.max(end - start, runMs / 1000)) },
            }),
            // the result that held the next task back: its host, where it ran
            critR
              ? el('div', {
                  class: 'tl-crit',
                  title: `critical path: ${critR.host}, ${fmtMs(critR.ms)}`,
                  style: { left: pct(critR.at), width: pct(Math.max(critR.ms, runMs / 1000)) },
                })
              : '',
            critR ? hostLabel(critR) : '',
          ]),
        ),
      );
    }
    const axis = el(
      'div',
      { class: 'tl-row axis' },
      el('div', { class: 'tl-label' }, 'task'),
      el(
        'div',
        { class: 'tl-lane' },
        ticks.map((t) => el('div', { class: 'tl-tick', style: { left: pct(t) } }, el('span', {}, fmtMs(t)))),
      ),
    );
    return el(
      'section',
      { id: 'timeline' },
      el('h2', {}, 'Timeline'),
      el(
        'p',
        { class: 'legend' },
        STATUSES.map((s) => el('span', {}, badge(s))),
        el('span', {}, '◆ critical path (the results that decided when the run ended)'),
        el('span', {}, el('span', { class: 'slow' }, 'slow #1'), ` the ${slowest.length} slowest tasks`),
      ),
      el('div', { class: 'timeline' }, axis, rows),
    );
  }

  Object.assign(K, { summary, recap, failures, ignored, timeline });
})();
