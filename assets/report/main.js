// kplay's run report in the browser, 4 of 4: the filter bar, and drawing the views again when a filter changes.
(() => {
  const K = window.kplayReport;
  const { D, STATUSES, el, results, state, readHash, writeHash, matches, byName } = K;
  const { summary, recap, failures, ignored, timeline, taskTable, hostResults, changes, warnings } = K;

  function setFilter(k, v) {
    state[k] = v;
    writeHash();
    syncControls();
    draw();
  }
  K.setFilter = setFilter;

  // ---- the filter bar, made once; the views below it are drawn again on each change
  const controls = {};
  function filterBar() {
    const tags = [...new Set(D.tasks.flatMap((t) => t.tags || []))].sort();
    const statuses = STATUSES.filter((s) => results.some((r) => r.s === s));
    const select = (k, label, options) => {
      controls[k] = el(
        'select',
        { id: `f-${k}`, onchange: (e) => setFilter(k, e.target.value) },
        el('option', { value: '' }, `every ${label}`),
        options.map((o) => el('option', { value: o }, o)),
      );
      return el('label', {}, `${label} `, controls[k]);
    };
    controls.q = el('input', {
      id: 'f-q',
      type: 'search',
      placeholder: 'search tasks, hosts, messages, files',
      oninput: (e) => setFilter('q', e.target.value),
    });
    controls.count = el('span', { class: 'count', id: 'f-count' });
    return el(
      'nav',
      { class: 'filters' },
      select('host', 'host', [...D.hosts].sort(byName)),
      select('status', 'status', statuses),
      select('tag', 'tag', tags),
      controls.q,
      el(
        'button',
        {
          type: 'button',
          onclick: () => {
            for (const k of Object.keys(state)) state[k] = '';
            writeHash();
            syncControls();
            draw();
          },
        },
        'clear',
      ),
      controls.count,
    );
  }
  function syncControls() {
    for (const k of Object.keys(state)) if (controls[k] && controls[k].value !== state[k]) controls[k].value = state[k];
  }

  const app = document.getElementById('app');
  const views = el('main', { id: 'views' });
  function draw() {
    const rs = results.filter(matches);
    controls.count.textContent = `${rs.length} of ${results.length} results`;
    views.replaceChildren(
      ...[failures(rs), ignored(rs), timeline(rs), taskTable(rs), hostResults(rs), changes(rs)].filter(Boolean),
    );
  }
  readHash();
  app.replaceChildren(summary(), recap(), warnings() || '', filterBar(), views);
  syncControls();
  draw();
  window.addEventListener('hashchange', () => {
    readHash();
    syncControls();
    draw();
  });
  document.documentElement.setAttribute('data-ready', 'yes');
})();
