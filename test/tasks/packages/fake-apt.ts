// A fake Debian (or RHEL) host for the package modules' tests: dpkg's database, apt's cache, rpm; and the
// helpers the tests share (change summaries, exec lines, the versions apt knows).
import type { Action, ProbeResult, Vars } from '../../../src/tasks/contract.js';
import { FakeHost } from '../../support/fake-host.js';

export interface Pkg {
  version: string;
  status: string;
  sel?: string;
}

/** A fake Debian (or RHEL) host: dpkg's database, apt's cache (versions per name, highest first), rpm. */
export class FakeApt extends FakeHost {
  installed = new Map<string, Pkg>();
  available = new Map<string, string[]>();
  probes: string[] = [];
  updates = 0;
  pkgMgr = 'apt';
  lastStdin: string | undefined;

  constructor(
    installed: Record<string, string | Pkg> = {},
    available: Record<string, string[]> = {},
    files: Record<string, string> = {},
  ) {
    super({ '/var/lib/apt/lists/lock': '', '/var/lib/dpkg/status': '', ...files });
    for (const [n, v] of Object.entries(installed))
      this.installed.set(n, typeof v === 'string' ? { version: v, status: 'ii ' } : v);
    for (const [n, v] of Object.entries(available)) this.available.set(n, v);
    this.onExec = (argv) => this.run(argv);
  }

  override async facts(): Promise<Vars> {
    return { ...(await super.facts()), ansible_pkg_mgr: this.pkgMgr };
  }

  override async probe(argv: string[]): Promise<ProbeResult> {
    this.probes.push(argv.join(' '));
    const ok = (stdout: string, rc = 0, stderr = ''): ProbeResult => ({ rc, stdout, stderr });
    const [cmd, ...rest] = argv;
    if (cmd === 'dpkg-query') {
      const names = rest.slice(2);
      const known = names.filter((n) => this.installed.has(n));
      const out = known
        .map((n) => `${n}\t${this.installed.get(n)!.version}\t${this.installed.get(n)!.status}\n`)
        .join('');
      return ok(
        out,
        known.length < names.length ? 1 : 0,
        names
          .filter((n) => !this.installed.has(n))
          .map((n) => `dpkg-query: no packages found matching ${n}\n`)
          .join(''),
      );
    }
    if (cmd === 'apt-cache' && rest[0] === 'policy') {
      return ok(
        rest
          .slice(1)
          .filter((n) => this.available.has(n))
          .map((n) => {
            const vs = this.available.get(n)!;
            const inst = this.installed.get(n);
            const i = inst && /^.i/.test(inst.status) ? inst.version : '(none)';
            return (
              `${n}:\n  Installed: ${i}\n  Candidate: ${vs[0] ?? '(none)'}\n  Version table:\n` +
              vs
                .map(
                  (v) =>
                    ` ${v === i ? '***' : '   '} ${v} 500\n` +
                    '        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n',
                )
                .join('')
            );
          })
          .join(''),
      );
    }
    if (cmd === 'apt-get' && rest[0] === '-s') {
      if (rest.includes('install'))
        return ok(
          '',
          100,
          rest
            .filter((n) => !n.startsWith('-') && n !== 'install' && !this.available.has(n))
            .map((n) => `E: Unable to locate package ${n}\n`)
            .join(''),
        );
      if (rest.includes('autoremove')) return ok('Remv libold1 [1.0]\n');
      if (rest.includes('dist-upgrade'))
        return ok('Inst libc6 [2.36-9] (2.36-9+deb12u4 Debian:12.5/stable [amd64])\nConf libc6\n');
      if (rest.includes('upgrade')) return ok('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n');
    }
    if (cmd === 'dpkg-deb') return ok('Package: hello\nVersion: 2.10-3\n');
    if (cmd === 'dpkg' && rest[0] === '--get-selections') {
      const p = this.installed.get(rest[1]!);
      return p
        ? ok(`${rest[1]}\t\t\t\t\t${p.sel ?? 'install'}\n`)
        : ok('', 0, `dpkg: no packages found matching ${rest[1]}\n`);
    }
    if (cmd === 'rpm') {
      const names = rest.slice(3);
      return ok(
        names
          .map((n) =>
            this.installed.has(n) ? `${n}\t0:${this.installed.get(n)!.version}\n` : `package ${n} is not installed\n`,
          )
          .join(''),
        names.filter((n) => !this.installed.has(n)).length,
      );
    }
    if ((cmd === 'dnf' || cmd === 'yum') && rest.includes('check-update')) {
      const up = rest.filter(
        (n) => this.available.has(n) && this.installed.get(n)?.version !== this.available.get(n)![0],
      );
      return ok(up.map((n) => `${n}.x86_64   ${this.available.get(n)![0]}   baseos\n`).join(''), up.length ? 100 : 0);
    }
    return super.probe(argv);
  }

  private run(argv: string[]): void {
    const [cmd, ...rest] = argv;
    const names = rest.filter((a, i) => !a.startsWith('-') && rest[i - 1] !== '-o' && rest[i - 1] !== '-t');
    if (cmd === 'apt-get') {
      const verb = names.shift();
      if (verb === 'update') return void this.updates++;
      if (verb === 'install') {
        for (const spec of names) {
          const [n, v] = spec.split('=') as [string, string | undefined];
          if (n.startsWith('/') || n.startsWith('./')) {
            this.installed.set('hello', { version: '2.10-3', status: 'ii ' });
            continue;
          }
          const vs = this.available.get(n);
          if (!vs) throw new Error(`fake apt: E: Unable to locate package ${n}`);
          this.installed.set(n, { ...this.installed.get(n), version: v ?? vs[0]!, status: 'ii ' });
        }
        return;
      }
      if (verb === 'remove' || verb === 'purge') {
        for (const n of names) {
          if (verb === 'purge') this.installed.delete(n);
          else this.installed.set(n, { version: this.installed.get(n)!.version, status: 'rc ' });
        }
        return;
      }
      if (verb === 'dist-upgrade' || verb === 'autoremove') return;
    }
    if (cmd === 'dpkg' && rest[0] === '--set-selections') {
      const stdin = (this.ran[this.ran.length - 1] as Extract<Action, { exec: string[] }>).stdin!;
      const [n, sel] = stdin.trim().split(' ') as [string, string];
      this.installed.get(n)!.sel = sel;
      return;
    }
    if (cmd === 'dnf' || cmd === 'yum') {
      const verb = names.find((n) => ['install', 'remove', 'upgrade'].includes(n))!;
      for (const n of names.slice(names.indexOf(verb) + 1)) {
        if (verb === 'remove') this.installed.delete(n);
        else this.installed.set(n, { version: this.available.get(n)?.[0] ?? '1.0', status: 'ii ' });
      }
      return;
    }
    if (cmd === 'sh') return; // apt_key url download: not emulated
    throw new Error(`fake: unexpected exec ${argv.join(' ')}`);
  }
}

export const summaries = (p: { changes: { summary: string }[] }) => p.changes.map((c) => c.summary);
export const execs = (p: { changes: { actions: Action[] }[] }) =>
  p.changes.flatMap((c) => c.actions.flatMap((a) => ('exec' in a ? [a.exec.join(' ')] : [])));
export const AVAIL = {
  hello: ['2.10-3', '2.10-2'],
  tree: ['2.1.0-1'],
  haproxy: ['2.6.12-1+deb12u1', '2.6.12-1', '2.4.22-1'],
  keepalived: ['1:2.2.7-1+b2'],
};
