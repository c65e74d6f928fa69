// Check mode for units (src/tasks/systemd/predict.ts): `systemctl show` is stale, the unit files are read as the
// earlier planned changes leave them (StatInfo.planned); the two are put together, and each plan predicts the
// `systemctl show` answer after its changes. A FakeHost here answers `show` and marks chosen paths planned.
import { expect } from 'chai';
import { PredictedReader } from '../../../src/exec/predict/reader.js';
import { foldChanges } from '../../../src/exec/predict/changes.js';
import { PredictedState } from '../../../src/exec/predict/state.js';
import type { Change, Plan, ProbeResult, StatInfo, Vars } from '../../../src/tasks/contract.js';
import { installable, PREDICTED, predictShow, unitAsPlanned } from '../../../src/tasks/systemd/predict.js';
import { parseShow, planUnit, systemd_service } from '../../../src/tasks/systemd/systemd.js';
import { FakeHost } from '../../support/fake-host.js';
import { hostView, planError, planOn } from '../../support/plan-harness.js';

type Show = Record<string, string>;
const CHECK = hostView({}, { check: true });
const UNIT = 'etcd.service';
const ETC = `/etc/systemd/system/${UNIT}`;
const SVC = '[Unit]\nDescription=etcd\n[Service]\nExecStart=/usr/bin/etcd\n';
const WANTED = `${SVC}[Install]\nWantedBy=multi-user.target\n`;
const NOT_FOUND: Show = { Id: UNIT, LoadState: 'not-found', ActiveState: 'inactive', FragmentPath: '' };
const LOADED: Show = {
  Id: UNIT,
  LoadState: 'loaded',
  ActiveState: 'inactive',
  SubState: 'dead',
  UnitFileState: 'disabled',
  NeedDaemonReload: 'no',
  FragmentPath: ETC,
  DropInPaths: '',
};
const showText = (s: Show) =>
  Object.entries(s)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');

/** `systemctl [--user] show etcd.service` answers `status`; `planned` paths (and folders above them) stat as planned
 *  and read as the given text; every stat is recorded. */
class CheckHost extends FakeHost {
  stats: string[] = [];
  constructor(
    public status: Show,
    public planned: Record<string, string> = {},
    files: Record<string, string> = {},
  ) {
    super(files);
  }
  override async stat(path: string, opts: Parameters<FakeHost['stat']>[1] = {}): Promise<StatInfo> {
    this.stats.push(path);
    const text = this.planned[path];
    if (text !== undefined) return { exists: true, path, isreg: true, size: text.length, mode: '0644', planned: true };
    if (Object.keys(this.planned).some((p) => p.startsWith(`${path}/`)))
      return { exists: true, path, isdir: true, mode: '0755', planned: true };
    return super.stat(path, opts);
  }
  override async read(path: string): Promise<Buffer | undefined> {
    const text = this.planned[path];
    return text !== undefined ? Buffer.from(text) : super.read(path);
  }
  override async probe(argv: string[], opts: { fresh?: boolean } = {}): Promise<ProbeResult> {
    if (argv[0] === 'systemctl' && argv.at(-2) === 'show' && argv.at(-1) === UNIT)
      return { rc: 0, stdout: showText(this.status), stderr: '' };
    return super.probe(argv, opts);
  }
}

const summaries = (p: Plan) => p.changes.map((c) => c.summary.replace(/^systemd: /, ''));
/** What the plan's last change says `systemctl show` will answer, parsed (undefined: nothing predicted). */
const predicted = (p: Plan): Show | undefined => {
  const [pr, ...more] = p.changes.at(-1)?.predicts ?? [];
  expect(more).to.deep.equal([]);
  return pr && parseShow(pr.result.stdout);
};

describe('systemd check mode: installable() reads [Install]', () => {
  const table: [string, string, boolean][] = [
    ['no [Install]', SVC, false],
    ['[Install] with WantedBy', WANTED, true],
    ['[Install] with only a comment', `${SVC}[Install]\n# WantedBy=multi-user.target\n`, false],
    ['[Install] with a ; comment', `${SVC}[Install]\n; RequiredBy=x.target\n`, false],
    ['[Install] that is empty', `${SVC}[Install]\n`, false],
    ['an empty WantedBy=', `${SVC}[Install]\nWantedBy=\n`, false],
    ['Alias', `${SVC}[Install]\nAlias=etcd2.service\n`, true],
    ['RequiredBy', `${SVC}[Install]\nRequiredBy=x.target\n`, true],
    ['UpheldBy', `${SVC}[Install]\nUpheldBy=x.target\n`, true],
    ['Also only (indirect)', `${SVC}[Install]\nAlso=etcd.socket\n`, false],
    ['spaces around = and CRLF lines', '[Install]\r\n  WantedBy = multi-user.target\r\n', true],
    ['Description= only', `${SVC}[Install]\nDescription=x\n`, false],
    ['a section after [Install] (its keys are not [Install]s)', `${SVC}[Install]\n[X-Extra]\nAlias=x.service\n`, false],
    ['WantedBy before another section', `[Install]\nWantedBy=a.target\n[X-Extra]\nK=v\n`, true],
    ['WantedBy outside [Install]', `[Unit]\nWantedBy=a.target\n${SVC}`, false],
    ['[install] is not [Install] (case counts)', '[install]\nWantedBy=a.target\n', false],
  ];
  for (const [what, text, want] of table) it(`${what}: ${want}`, () => expect(installable(text)).to.equal(want));
});

describe('systemd check mode: unitAsPlanned()', () => {
  const loadedFrom = (path: string, fileState: string): Show => ({
    ...NOT_FOUND,
    LoadState: 'loaded',
    FragmentPath: path,
    UnitFileState: fileState,
    ActiveState: 'inactive',
    SubState: 'dead',
    NeedDaemonReload: 'no',
    [PREDICTED]: 'yes',
  });
  const [USR, LIB] = [`/usr/lib/systemd/system/${UNIT}`, `/lib/systemd/system/${UNIT}`];
  // [what, check, planned files, host files, expected status ('same': the show answer as it is)]
  const notFound: [string, boolean, Show, Show, Show | 'same'][] = [
    ['planned with WantedBy: loaded, disabled', true, { [ETC]: WANTED }, {}, loadedFrom(ETC, 'disabled')],
    ['planned without [Install]: loaded, static', true, { [ETC]: SVC }, {}, loadedFrom(ETC, 'static')],
    ['planned in /usr/lib only', true, { [USR]: SVC }, {}, loadedFrom(USR, 'static')],
    ['a host file, not planned: unchanged', true, {}, { [ETC]: WANTED }, 'same'],
    ['a host /etc file before a planned /lib one', true, { [LIB]: WANTED }, { [ETC]: SVC }, 'same'],
    ['no file anywhere: unchanged', true, {}, {}, 'same'],
    ['outside check mode: unchanged', false, { [ETC]: WANTED }, {}, 'same'],
  ];
  for (const [what, check, planned, files, want] of notFound) {
    it(`a not-found unit, ${what}`, async () => {
      const got = await unitAsPlanned(new CheckHost(NOT_FOUND, planned, files), check, UNIT, NOT_FOUND, false);
      if (want === 'same') expect(got).to.equal(NOT_FOUND);
      else expect(got).to.deep.equal(want);
    });
  }

  const DROP = `/run/systemd/system/${UNIT}.d/10-x.conf`;
  // [what, check, show answer, planned files, NeedDaemonReload wanted ('same': the show answer as it is)]
  const loaded: [string, boolean, Show, string[], 'yes' | 'same'][] = [
    ['planned FragmentPath', true, LOADED, [ETC], 'yes'],
    ['a planned drop-in it loaded', true, { ...LOADED, DropInPaths: `/x.conf ${DROP}` }, [DROP], 'yes'],
    ['a new drop-in under /etc/systemd/system/UNIT.d', true, LOADED, [`${ETC}.d/20-y.conf`], 'yes'],
    ['nothing planned', true, LOADED, [], 'same'],
    ['a predicted show answer, FragmentPath planned', true, { ...LOADED, [PREDICTED]: 'yes' }, [ETC], 'same'],
    ['outside check mode, FragmentPath planned', false, LOADED, [ETC], 'same'],
  ];
  for (const [what, check, status, planned, want] of loaded) {
    it(`a loaded unit, ${what}: ${want === 'yes' ? 'NeedDaemonReload=yes' : 'unchanged'}`, async () => {
      const host = new CheckHost(status, Object.fromEntries(planned.map((p) => [p, SVC])));
      const got = await unitAsPlanned(host, check, UNIT, status, true);
      if (want === 'same') expect(got).to.equal(status);
      else expect(got).to.deep.equal({ ...status, NeedDaemonReload: 'yes' });
      expect(host.stats, 'its files are read, so check mode records them').to.include(ETC);
    });
  }

  // systemd: an [Install] with only Also= makes the unit "indirect" (enabled: yes then leaves it alone)
  it('a planned unit whose [Install] has only Also= is indirect', async () => {
    const host = new CheckHost(NOT_FOUND, { [ETC]: `${SVC}[Install]\nAlso=etcd.socket\n` });
    expect((await unitAsPlanned(host, true, UNIT, NOT_FOUND, false)).UnitFileState).to.equal('indirect');
  });
});

describe('systemd check mode: planUnit predicts systemctl show', () => {
  // a --user unit is looked for in the user manager's folders (/etc/systemd/user ...), not the system's
  it('scope=user looks for a planned unit file in the user unit folders', async () => {
    const user = { name: 'etcd', state: 'started', scope: 'user' };
    const planned = new CheckHost(NOT_FOUND, { [`/etc/systemd/user/${UNIT}`]: SVC });
    expect(summaries(await planOn(systemd_service, user, planned, CHECK))).to.deep.equal([`start ${UNIT}`]);
    const wrongDir = new CheckHost(NOT_FOUND, { [ETC]: SVC });
    expect(await planError(systemd_service, user, wrongDir, CHECK)).to.match(/Could not find/);
  });

  it('a unit whose file is planned: enable + start, the last change predicts active, enabled', async () => {
    const plan = await planOn(
      systemd_service,
      { name: 'etcd', state: 'started', enabled: true },
      new CheckHost(NOT_FOUND, { [ETC]: WANTED }),
      CHECK,
    );
    expect(summaries(plan)).to.deep.equal([`enable ${UNIT}`, `start ${UNIT}`]);
    expect(plan.changes[0]!.predicts).to.equal(undefined);
    expect(plan.changes[1]!.predicts![0]!.probe).to.deep.equal(['systemctl', 'show', UNIT]);
    const after = predicted(plan)!;
    expect(after).to.deep.include({ LoadState: 'loaded', FragmentPath: ETC, NeedDaemonReload: 'no' });
    expect(after).to.deep.include({ ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled' });
    expect(after[PREDICTED]).to.equal('yes');
    // a later task reads that answer: restart plans a restart (no daemon-reload: the file is loaded as planned)
    const again = new CheckHost(after, { [ETC]: WANTED });
    const args = { name: 'etcd', state: 'restarted', daemon_reload: true };
    expect(summaries(await planOn(systemd_service, args, again, CHECK))).to.deep.equal([`restart ${UNIT}`]);
  });

  const active = { ...LOADED, ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled' };
  const reloaded = { NeedDaemonReload: 'no', ActiveState: 'active' };
  // [what, show answer, planned files, args, summaries, predicted fields (undefined: nothing predicted)]
  const table: [string, Show, Show, Vars, string[], Show | undefined][] = [
    [
      'a static planned unit: enabled=yes leaves it, it is started',
      NOT_FOUND,
      { [ETC]: SVC },
      { state: 'started', enabled: true },
      [`start ${UNIT}`],
      { UnitFileState: 'static', ActiveState: 'active', LoadState: 'loaded' },
    ],
    ['stop', active, {}, { state: 'stopped' }, [`stop ${UNIT}`], { ActiveState: 'inactive', SubState: 'dead' }],
    ['disable', active, {}, { enabled: false }, [`disable ${UNIT}`], { UnitFileState: 'disabled' }],
    ['mask', active, {}, { masked: true }, [`mask ${UNIT}`], { UnitFileState: 'masked', LoadState: 'masked' }],
    [
      'daemon-reload + start when FragmentPath is planned',
      LOADED,
      { [ETC]: SVC },
      { daemon_reload: true, state: 'started' },
      [`daemon-reload (changed on disk: ${UNIT})`, `start ${UNIT}`],
      reloaded,
    ],
    [
      'unmask: nothing predicted (enablement unknown)',
      { ...LOADED, LoadState: 'masked', UnitFileState: 'masked' },
      {},
      { masked: false, enabled: true, state: 'started' },
      [`unmask ${UNIT}`, `enable ${UNIT}`, `start ${UNIT}`],
      undefined,
    ],
    ['nothing to do: nothing predicted', active, { [ETC]: SVC }, { state: 'started' }, [], undefined],
  ];
  for (const [what, status, planned, args, want, after] of table) {
    it(what, async () => {
      const plan = await planOn(systemd_service, { name: 'etcd', ...args }, new CheckHost(status, planned), CHECK);
      expect(summaries(plan)).to.deep.equal(want);
      if (after === undefined) expect(predicted(plan)).to.equal(undefined);
      else expect(predicted(plan)).to.deep.include({ ...after, [PREDICTED]: 'yes' });
    });
  }

  it('scope=user: the predicted probe is `systemctl --user show`', async () => {
    const args = { name: 'etcd', state: 'stopped', scope: 'user' };
    const plan = await planOn(systemd_service, args, new CheckHost({ ...LOADED, ActiveState: 'active' }), CHECK);
    expect(plan.changes[0]!.predicts![0]!.probe).to.deep.equal(['systemctl', '--user', 'show', UNIT]);
  });

  it('outside check mode nothing is predicted', async () => {
    const plan = await planOn(
      systemd_service,
      { name: 'etcd', state: 'started' },
      new CheckHost(LOADED, { [ETC]: SVC }),
    );
    expect(summaries(plan)).to.deep.equal([`start ${UNIT}`]);
    expect(predicted(plan)).to.equal(undefined);
  });

  it('predictShow: an unknown verb (unmask) or no change says nothing; daemon-reexec keeps the state', () => {
    const change = (verb: string): Change => ({
      summary: verb,
      actions: [{ exec: ['systemctl', verb, UNIT] }],
      touches: [],
    });
    const show = ['systemctl', 'show', UNIT];
    const unmask = [change('unmask'), change('start')];
    predictShow(unmask, show, LOADED, 1);
    expect(unmask.map((c) => c.predicts)).to.deep.equal([undefined, undefined]);
    expect(() => predictShow([], show, LOADED, 1)).not.to.throw();
    const reexec = [change('daemon-reexec')];
    predictShow(reexec, show, LOADED, 1);
    expect(parseShow(reexec[0]!.predicts![0]!.result.stdout)).to.deep.equal({ ...LOADED, [PREDICTED]: 'yes' });
  });

  const registered: [string, Vars][] = [
    ['started', { state: 'started' }],
    ['restarted', { state: 'restarted' }],
    ['enabled: no', { enabled: false }],
    ['daemon_reload', { daemon_reload: true }],
    ['masked', { masked: true }],
  ];
  for (const [what, args] of registered) {
    it(`the registered status never has ${PREDICTED} (${what} after a predicted show)`, async () => {
      const host = new CheckHost({ ...LOADED, ActiveState: 'active', [PREDICTED]: 'yes' }, { [ETC]: SVC });
      const status = (await planOn(systemd_service, { name: 'etcd', ...args }, host, CHECK)).result!.status as Show;
      expect(status).not.to.have.property(PREDICTED);
      expect(status).to.include({ ActiveState: 'active', FragmentPath: ETC });
    });
  }

  // a predicted answer is read from the unit's files: a later change to them drops it, so the unit needs a
  // daemon-reload again (as in the real run), and the read of the stale answer is uncertain
  it('a unit file changed after the predicted show needs a daemon-reload again', async () => {
    const host = new CheckHost({ ...LOADED, ActiveState: 'active' }, {}, { [ETC]: SVC });
    const state = new PredictedState();
    const reader = new PredictedReader(host, state, new PredictedState(), false);
    const fold = (cs: Change[]) => foldChanges(state, new PredictedState(), cs, reader.hostSide());
    const put = (text: string): Change => ({
      summary: 'template',
      actions: [{ put: ETC, content: Buffer.from(text) }],
      touches: [`file:${ETC}`],
    });
    await fold([put(WANTED)]);
    const first = await planUnit({ name: 'etcd', daemon_reload: true, state: 'restarted' }, CHECK, reader, 'systemd');
    expect(summaries(first)).to.deep.equal([`daemon-reload (changed on disk: ${UNIT})`, `restart ${UNIT}`]);
    await fold(first.changes);
    await fold([put(`${WANTED}# again\n`)]);
    const last = await planUnit({ name: 'etcd', daemon_reload: true }, CHECK, reader, 'systemd');
    expect(summaries(last)).to.deep.equal([`daemon-reload (changed on disk: ${UNIT})`]);
  });
});
