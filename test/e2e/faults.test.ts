// Faults during a run, on real hosts (issue 11): sshd killed on one host mid-run (and waited for with
// wait_for_connection), a host rebooted by the reboot module, the controller killed with SIGKILL then --resume, and
// two runs on one site at once. (A connection cut mid-upload is proven in test/transport/ssh.test.ts.)
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { writeTree } from '../support/tree.js';
import { kplay, results, siteFor, totalChanged } from './support.js';

const PB = 'test/e2e/fixtures/faults/steps.yml';
const startsSlowStep = (line: string) =>
  line.includes('task_start') && line.includes('"task":"step two takes a while"');

describe('@lab faults during a run', () => {
  let lab: LabHandle;
  let site: string;
  const reset = () =>
    Promise.all(lab.hosts.map((h) => lab.exec(h.name, 'rm -rf /opt/kplay-faults && mkdir -p /opt/kplay-faults')));
  /** Each host's files under /opt/kplay-faults, with its own name taken out (to compare hosts). */
  const state = async (host: string) =>
    (await lab.exec(host, 'cd /opt/kplay-faults && for f in $(ls -A); do echo "== $f"; cat "$f"; done')).stdout
      .split(host)
      .join('HOST');
  before(async function () {
    lab = await useLab(this);
    site = siteFor(lab);
    await reset();
  });
  after(async () => {
    if (!lab) return;
    await Promise.all(
      lab.hosts.map((h) =>
        lab.exec(h.name, 'rm -rf /opt/kplay-faults; systemctl start ssh.socket ssh.service 2>/dev/null; true'),
      ),
    );
  });

  it('sshd killed on one host mid-run: that host is unreachable (exit 4), the others finish', async function () {
    this.timeout(90_000);
    await reset();
    const [a, b, c] = lab.hosts.map((h) => h.name) as [string, string, string];
    let killed: Promise<unknown> | undefined;
    const r = await kplay(['run', PB, '-i', site, '--json'], {
      onLine: (line) => {
        if (!killed && startsSlowStep(line))
          killed = lab.exec(b, 'systemctl stop ssh.socket ssh.service 2>/dev/null; pkill -KILL sshd; true');
      },
    });
    await killed;
    expect(r.code, r.stdout.slice(-2000)).to.equal(4);
    expect(r.recap[b]).to.include({ unreachable: 1 });
    for (const h of [a, c]) expect(await state(h)).to.equal('== four\nfour\n== one\none HOST\n== three\ntwo\n');
    expect(await state(b)).to.equal('== one\none HOST\n');
    await lab.exec(b, 'systemctl start ssh.service');
  });

  it('sshd stopped and its sessions killed under a run: wait_for_connection waits, the run goes on', async function () {
    this.timeout(90_000);
    const h = lab.hosts[0]!.name;
    // the cut is made by systemd, outside the run's own session: 1 s after the first task, for 4 s
    const cut =
      "systemd-run --no-block sh -c 'sleep 1; systemctl stop ssh.socket ssh.service; pkill -KILL sshd; sleep 4; " +
      "systemctl start ssh.service'";
    const dir = writeTree({
      'pb.yml':
        `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "${cut}"\n` +
        '    - { name: back, wait_for_connection: { delay: 2, sleep: 1, timeout: 40 }, register: w }\n' +
        '    - { name: after, command: cat /proc/sys/kernel/random/boot_id, changed_when: false }\n',
    });
    const r = await kplay(['run', 'pb.yml', '-i', site, '--json', '--limit', h], { cwd: dir });
    expect(r.code, r.stdout.slice(-2000)).to.equal(0);
    const back = r.events.find((e) => e.type === 'host_result' && e.task === 'back');
    expect(back?.status).to.equal('ok');
    // the host was away from about 1 s to 5 s: answered after the cut, not on the first try at 2 s
    expect(Number(back?.ms)).to.be.greaterThan(2500);
    expect(results(r)).to.include(`${h}|after|ok`);
  });

  it('reboot: the host restarts (a new boot id) and the run goes on; --check reboots nothing', async function () {
    this.timeout(180_000);
    const h = lab.hosts[2]!.name;
    const bootId = async () => (await lab.exec(h, 'cat /proc/sys/kernel/random/boot_id')).stdout.trim();
    const dir = writeTree({
      'pb.yml':
        '- hosts: all\n  gather_facts: false\n  tasks:\n' +
        '    - { name: restart, reboot: { reboot_timeout: 120, msg: kplay lab test }, register: r }\n' +
        '    - { name: after, command: cat /proc/sys/kernel/random/boot_id, changed_when: false, register: b }\n' +
        '    - { name: told, copy: { dest: /root/kplay-rebooted, content: "{{ r.rebooted }} {{ b.stdout }}" } }\n',
    });
    const first = await bootId();
    const check = await kplay(['run', 'pb.yml', '-i', site, '--json', '--limit', h, '--check'], { cwd: dir });
    expect(check.code, check.stdout.slice(-1500)).to.equal(0);
    expect(results(check)).to.include(`${h}|restart|changed`);
    expect(await bootId()).to.equal(first);
    const r = await kplay(['run', 'pb.yml', '-i', site, '--json', '--limit', h], { cwd: dir });
    expect(r.code, r.stdout.slice(-2000)).to.equal(0);
    const second = await bootId();
    expect(second).to.not.equal(first);
    expect((await lab.exec(h, 'cat /root/kplay-rebooted')).stdout).to.equal(`True ${second}`);
  });

  it(
    'the controller killed (SIGKILL) mid-run, ' + 'then --resume: the same end state as a run never stopped',
    async function () {
      this.timeout(120_000);
      await reset();
      const [a, b, c] = lab.hosts.map((h) => h.name) as [string, string, string];
      const whole = await kplay(['run', PB, '-i', site, '--json', '--limit', c]);
      expect(whole.code, whole.stderr).to.equal(0);
      let sent = false;
      const cut = await kplay(['run', PB, '-i', site, '--json', '--limit', `${a},${b}`], {
        onLine: (line, kill) => {
          if (!sent && startsSlowStep(line)) {
            sent = true;
            kill('SIGKILL');
          }
        },
      });
      expect(cut.code).to.equal(null); // killed
      expect(await state(a)).to.equal('== one\none HOST\n');
      // the dead run's lock is taken over; --resume skips what the journal says was done
      const resumed = await kplay(['run', PB, '-i', site, '--json', '--limit', `${a},${b}`, '--resume']);
      expect(resumed.code, resumed.stderr).to.equal(0);
      const done = resumed.events
        .filter((e) => e.type === 'host_result' && e.msg === 'done in the run being resumed')
        .map((e) => `${e.host}|${e.task}`);
      expect(done.sort()).to.deep.equal([`${a}|step one`, `${b}|step one`]);
      for (const h of [a, b]) expect(await state(h)).to.equal(await state(c));
      const again = await kplay(['run', PB, '-i', site, '--json', '--limit', `${a},${b},${c}`]);
      expect(
        totalChanged(again),
        results(again)
          .filter((x) => x.endsWith('|changed'))
          .join(', '),
      ).to.equal(0);
    },
  );

  it(
    'two runs on one site at once: ' + 'the second is refused (exit 3) naming the first, and works once it is done',
    async function () {
      this.timeout(90_000);
      const h = lab.hosts[0]!.name;
      let second: ReturnType<typeof kplay> | undefined;
      const first = kplay(['run', PB, '-i', site, '--json', '--limit', h], {
        onLine: (line) => {
          if (!second && startsSlowStep(line)) second = kplay(['run', PB, '-i', site, '--json', '--limit', h]);
        },
      });
      const r1 = await first;
      const r2 = await second!;
      expect(r1.code, r1.stderr).to.equal(0);
      expect(r2.code).to.equal(3);
      expect(r2.stderr).to.match(/another kplay run \(pid \d+\) is working on this site/);
      expect(r2.events.filter((e) => e.type === 'host_result')).to.deep.equal([]);
      const r3 = await kplay(['run', PB, '-i', site, '--json', '--limit', h]);
      expect(r3.code, r3.stderr).to.equal(0);
    },
  );

  it(
    'a second controller (another site folder) finds the host ' +
      'locked while the first runs; the lock goes with the run; kplay_host_lock names another lock',
    async function () {
      this.timeout(90_000);
      const h = lab.hosts[0]!.name;
      const other = siteFor(lab); // another folder: another controller lock, the same host
      let second: ReturnType<typeof kplay> | undefined;
      const first = kplay(['run', PB, '-i', site, '--json', '--limit', h], {
        onLine: (line) => {
          if (!second && startsSlowStep(line)) second = kplay(['run', PB, '-i', other, '--json', '--limit', h]);
        },
      });
      const r1 = await first;
      const r2 = await second!;
      expect(r1.code, r1.stderr).to.equal(0);
      expect(r2.code).to.not.equal(0);
      expect(r2.stdout).to.match(
        /another kplay run holds \/run\/lock\/kplay\.lock on this host \(kplay pid \d+ on .*steps\.yml/,
      );
      // the first run is over: its lock went with its connection
      const r3 = await kplay(['run', PB, '-i', other, '--json', '--limit', h]);
      expect(r3.code, r3.stdout.slice(-1500)).to.equal(0);
      // a run killed with SIGKILL leaves no host lock behind either
      let sent = false;
      await kplay(['run', PB, '-i', site, '--json', '--limit', h], {
        onLine: (line, kill) => {
          if (!sent && startsSlowStep(line)) {
            sent = true;
            kill('SIGKILL');
          }
        },
      });
      const r4 = await kplay(['run', PB, '-i', other, '--json', '--limit', h]);
      expect(r4.code, r4.stdout.slice(-1500)).to.equal(0);
      // kplay_host_lock names another lock file (hosts sharing one /run): the second controller takes that one
      let beside: ReturnType<typeof kplay> | undefined;
      const lockVar = ['-e', 'kplay_host_lock=/run/lock/kplay-other.lock'];
      const r5 = await kplay(['run', PB, '-i', site, '--json', '--limit', h], {
        onLine: (line) => {
          if (!beside && startsSlowStep(line))
            beside = kplay(['run', PB, '-i', other, '--json', '--limit', h, ...lockVar]);
        },
      });
      const r6 = await beside!;
      expect([r5.code, r6.code], r6.stdout.slice(-1500)).to.deep.equal([0, 0]);
    },
  );
});
