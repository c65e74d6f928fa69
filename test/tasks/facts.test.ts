// The facts family: package_facts (dpkg's and rpm's answers parsed as Ansible names them, and uncertain in check
// mode after a planned package change), setup (gathers again through the engine's reader, `filter`), ping.
import { expect } from 'chai';
import { HostReader } from '../../src/exec/host-reader.js';
import { PredictedReader } from '../../src/exec/predict/reader.js';
import { PredictedState } from '../../src/exec/predict/state.js';
import type { ProbeResult } from '../../src/tasks/contract.js';
import { MANAGER_ARGV, package_facts, parseDpkg, parseRpm } from '../../src/tasks/facts/packages.js';
import { ping, setup } from '../../src/tasks/facts/setup.js';
import { MemoryHost } from '../../src/transport/memory.js';
import { FakeHost } from '../support/fake-host.js';
import { hostView, planError, planOn } from '../support/plan-harness.js';

/** A host answering each package manager's read (undefined: the host does not have that manager). */
class PkgHost extends FakeHost {
  constructor(private readonly answers: { apt?: string; rpm?: string }) {
    super();
  }
  override async probe(argv: string[]): Promise<ProbeResult> {
    if (argv[0] === 'true') return { rc: 0, stdout: '', stderr: '' };
    const m = argv === MANAGER_ARGV.apt || argv.join(' ') === MANAGER_ARGV.apt.join(' ') ? 'apt' : 'rpm';
    const out = this.answers[m];
    return out === undefined ? { rc: 127, stdout: '', stderr: '' } : { rc: 0, stdout: out, stderr: '' };
  }
}

const DPKG =
  'amd64\nbash\t5.2.15-2+b8\tamd64\tshells\tii \nadduser\t3.134\tall\tadmin\tii \n' +
  'libc6\t2.36-9\ti386\tlibs\tii \nlibc6\t2.36-9\tamd64\tlibs\tii \nold\t1.0\tamd64\tutils\trc \n' +
  'gone\t\tamd64\t\tun \nheld\t2.0\tamd64\tnet\thi \n';

describe('package_facts', () => {
  it("reads dpkg: installed and held packages, a foreign architecture as name:arch, apt's fields", () => {
    const p = parseDpkg(DPKG);
    expect(p.map((e) => e.name)).to.deep.equal(['bash', 'adduser', 'libc6:i386', 'libc6', 'held']);
    expect(p[0]).to.deep.equal({
      name: 'bash',
      version: '5.2.15-2+b8',
      arch: 'amd64',
      category: 'shells',
      source: 'apt',
    });
  });

  it("reads rpm: Ansible's fields, no epoch as null, gpg-pubkey left out", () => {
    const p = parseRpm(
      'bash\t5.1.8\t6.el9\t(none)\tx86_64\ngpg-pubkey\ta\tb\t(none)\t(none)\nperl\t5.32\t1\t4\tx86_64\n',
    );
    expect(p).to.deep.equal([
      { name: 'bash', version: '5.1.8', release: '6.el9', epoch: null, arch: 'x86_64', source: 'rpm' },
      { name: 'perl', version: '5.32', release: '1', epoch: 4, arch: 'x86_64', source: 'rpm' },
    ]);
  });

  const cases: [string, { apt?: string; rpm?: string }, Record<string, unknown>, string[] | RegExp][] = [
    ['auto takes dpkg on Debian', { apt: DPKG, rpm: 'x\t1\t1\t(none)\tx86_64\n' }, {}, ['bash', 'adduser']],
    ['auto falls back to rpm', { rpm: 'x\t1\t1\t(none)\tx86_64\n' }, {}, ['x']],
    ['strategy all takes both', { apt: DPKG, rpm: 'x\t1\t1\t(none)\tx86_64\n' }, { strategy: 'all' }, ['x']],
    ['manager rpm only', { apt: DPKG, rpm: 'x\t1\t1\t(none)\tx86_64\n' }, { manager: 'rpm' }, ['x']],
    ['no manager found: fails', {}, {}, /Could not detect a supported package manager.*apt, rpm/],
    // another of Ansible's managers passes the load check (its task may be skipped) and fails when it runs
    ['manager pkg: not read by kplay', { apt: DPKG }, { manager: 'pkg' }, /kplay reads apt and rpm packages, not pkg/],
  ];
  for (const [name, answers, args, want] of cases)
    it(name, async () => {
      if (want instanceof RegExp)
        return expect(await planError(package_facts, args, new PkgHost(answers))).to.match(want);
      const plan = await planOn(package_facts, args, new PkgHost(answers));
      expect(plan.changes).to.deep.equal([]);
      const pkgs = (plan.result!.ansible_facts as { packages: Record<string, unknown[]> }).packages;
      for (const n of want) expect(pkgs, n).to.have.property(n);
      if (args.manager === 'rpm') expect(pkgs).to.not.have.property('bash');
      expect(pkgs.libc6 ?? [], 'libc6 once per architecture').to.have.length(answers.apt && !args.manager ? 1 : 0);
    });

  it('check mode: after a planned package change the answer is uncertain', async () => {
    const host = new PkgHost({ apt: DPKG });
    const state = new PredictedState();
    const quiet = new PredictedReader(host, state, new PredictedState(), false);
    await package_facts.plan({ manager: ['auto'], strategy: 'first' }, hostView(), quiet);
    expect(quiet.uncertain).to.equal(undefined);
    state.markUnknown(['package:nginx', 'file:/var/lib/dpkg/info/nginx.list']);
    const after = new PredictedReader(host, state, new PredictedState(), false);
    await package_facts.plan({ manager: ['auto'], strategy: 'first' }, hostView(), after);
    expect(after.uncertain).to.equal(`probe:${MANAGER_ARGV.apt.join(' ')}`);
  });
});

describe('setup and ping', () => {
  it("setup gathers again through the engine's reader, and filter picks facts by fnmatch", async () => {
    let gathered = 0;
    const reader = new HostReader(
      new MemoryHost('h'),
      async () => ({ ansible_os_family: 'Debian', ansible_eth0: { mtu: 1500 }, ansible_gathered: ++gathered }),
      () => false,
    );
    await reader.facts();
    const all = await setup.plan({ filter: [], gather_subset: ['all'], gather_timeout: 10 }, hostView(), reader);
    expect(all.result!.ansible_facts).to.include({ ansible_gathered: 2 });
    expect(await reader.facts(), 'later reads see the new facts').to.include({ ansible_gathered: 2 });
    const some = await setup.plan(
      { filter: ['ansible_eth*', 'ansible_os_?amily'], gather_subset: [], gather_timeout: 1 },
      hostView(),
      reader,
    );
    expect(Object.keys(some.result!.ansible_facts as object).sort()).to.deep.equal([
      'ansible_eth0',
      'ansible_os_family',
    ]);
    expect(some.changes).to.deep.equal([]);
  });

  it('ping answers data back, runs a command, and data=crash fails', async () => {
    expect((await planOn(ping, {}, new PkgHost({}))).result).to.deep.equal({ ping: 'pong' });
    expect((await planOn(ping, { data: 'hi' }, new PkgHost({}))).result).to.deep.equal({ ping: 'hi' });
    expect(await planError(ping, { data: 'crash' }, new PkgHost({}))).to.equal('MODULE FAILURE: Exception: boom');
  });

  it("ping data=crash registers Ansible's module failure (its exception on module_stderr)", async () => {
    const { run } = await import('../support/play-harness.js');
    const pb =
      '- hosts: a\n  gather_facts: no\n  tasks:\n' +
      '    - { name: p, ping: { data: crash }, register: r, ignore_errors: true }\n    - debug: var=r\n';
    const r = await run(pb, { memory: [new MemoryHost('a')] });
    expect(r.lines[0]).to.equal('p|a|ignored');
    expect(r.results[1]!.show).to.deep.include({
      r: {
        failed: true,
        changed: false,
        msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
        module_stdout: '',
        module_stderr: 'Exception: boom\n',
        exception: 'Exception: boom\n',
        rc: 1,
      },
    });
  });

  it('ping over the executor: ok, changed=0, in a real run and in check mode', async () => {
    const { run } = await import('../support/play-harness.js');
    const a = new MemoryHost('a');
    a.ignored.add('true');
    const pb =
      '- hosts: a\n  gather_facts: no\n  tasks:\n    - { name: p, ping: {}, register: r }\n    - debug: var=r.ping\n';
    for (const check of [false, true]) {
      const r = await run(pb, { memory: [a], check });
      expect(r.lines[0]).to.equal('p|a|ok');
      expect(r.results[1]!.show).to.deep.equal({ 'r.ping': 'pong' });
    }
  });
});
