// kplay's run report in the browser, 3 of 4: the task table, each host's results, the changes and their diffs,
// the warnings.
(() => {
  const K = window.kplayReport;
  const { D, BAD, MAX_ROWS, el, fmtMs, badge, firstLine, where, critByTask, groupBy, byName } = K;

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
  };

  function taskTable(rs) {
    const groups = groupBy(rs, (r) => r.t);
    const cols = ['ok', 'changed', 'failed', 'uncertain', 'skipped'];
    const count = (trs, s) => trs.filter((r) => r.s === s || (s === 'failed' && r.s === 'unreachable')).length;
    return el(
      'section',
      { id: 'tasks' },
      el('h2', {}, `Tasks (${groups.size})`),
      el(
        'table',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'task'),
          el('th', {}, 'source'),
          el('th', {}, 'tags'),
          cols.map((c) => el('th', { class: 'n' }, c)),
          ['min', 'median', 'max'].map((c) => el('th', { class: 'n' }, c)),
        ),
        [...groups.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([t, trs]) => {
            const task = D.tasks[t];
            const ms = trs.map((r) => r.ms);
            return el(
              'tr',
              { 'data-task': task.title, class: trs.some((r) => BAD.has(r.s)) ? 'bad' : undefined },
              el(
                'td',
                {},
                critByTask.has(t) ? el('span', { class: 'crit-mark' }, '◆ ') : '',
                el('a', { class: 'pick', onclick: () => K.setFilter('q', task.title) }, task.title),
                task.handler ? ' (handler)' : '',
              ),
              el('td', { class: 'src' }, where(task)),
              el('td', {}, (task.tags || []).join(', ')),
              cols.map((c) => {
                const v = count(trs, c);
                return el('td', { class: `n${v ? '' : ' zero'}` }, String(v));
              }),
              [ms.reduce((a, b) => Math.min(a, b)), median(ms), ms.reduce((a, b) => Math.max(a, b))].map((v) =>
                el('td', { class: 'n' }, fmtMs(v)),
              ),
            );
          }),
      ),
    );
  }

  function hostResults(rs) {
    const sorted = [...rs].sort((a, b) => byName(a.host, b.host) || a.at - b.at);
    return el(
      'section',
      { id: 'results' },
      el('h2', {}, `Results by host (${rs.length})`),
      el(
        'table',
        {},
        el(
          'tr',
          {},
          ['host', 'task', 'status', 'time', 'message'].map((c) =>
            el('th', { class: c === 'time' ? 'n' : undefined }, c),
          ),
        ),
        sorted
          .slice(0, MAX_ROWS)
          .map((r) =>
            el(
              'tr',
              { 'data-host': r.host, 'data-status': r.s, class: BAD.has(r.s) ? 'bad' : undefined },
              el('td', {}, el('a', { class: 'pick', onclick: () => K.setFilter('host', r.host) }, r.host)),
              el('td', {}, r.task.title, r.item ? ` (item ${r.item})` : ''),
              el('td', {}, badge(r.s)),
              el('td', { class: 'n' }, fmtMs(r.ms)),
              el('td', {}, message(r)),
            ),
          ),
      ),
      rs.length > MAX_ROWS
        ? el('p', { class: 'note' }, `showing ${MAX_ROWS} of ${rs.length}: filter to see the rest`)
        : '',
    );
  }

  function message(r) {
    const text = r.msg || (r.changes || []).join('; ');
    const more = r.msg?.includes('\n') || r.out;
    if (!more) return text;
    return el(
      'details',
      {},
      el('summary', {}, firstLine(text)),
      el('pre', {}, r.msg || ''),
      r.out ? el('pre', {}, r.out) : '',
    );
  }

  function diffBlock(p) {
    return el(
      'pre',
      { class: 'diff' },
      p
        .split('\n')
        .map((l) =>
          el(
            'span',
            { class: l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : undefined },
            `${l}\n`,
          ),
        ),
    );
  }

  function changes(rs) {
    const ch = rs.filter((r) => r.diff?.length || r.changes?.length);
    if (!ch.length) return undefined;
    return el(
      'section',
      { id: 'changes' },
      el('h2', {}, `${D.check ? 'Predicted changes' : 'Changes'} (${ch.length})`),
      ch.slice(0, 500).map((r) =>
        el(
          'div',
          { class: 'change', 'data-host': r.host },
          el('h3', {}, badge(r.s), ' ', r.host, ' · ', r.task.title),
          r.changes
            ? el(
                'ul',
                {},
                r.changes.map((c) => el('li', {}, c)),
              )
            : '',
          (r.diff || []).map((d) => [el('div', { class: 'src' }, d.path), diffBlock(d.patch)]),
        ),
      ),
    );
  }

  function warnings() {
    if (!D.warnings.length) return undefined;
    return el(
      'section',
      { id: 'warnings' },
      el('h2', {}, `Warnings (${D.warnings.length})`),
      el(
        'ul',
        {},
        D.warnings.map((w) => el('li', {}, w.host ? `${w.host}: ` : '', w.msg)),
      ),
    );
  }

  Object.assign(K, { taskTable, hostResults, changes, warnings });
})();
