// slurp, fetch, script, unarchive and get_url against a fake host. The fake learns the few probes these
// modules make (member stats, `command -v`, a URL's sha256) and what their actions do (tar/unzip extraction,
// the download script), so each case is planned, applied and planned again (converges).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ProbeResult } from '../../../src/tasks/contract.js';
import { FakeHost, type FakeSpec } from '../../support/fake-host.js';

/** A fake host that also knows the probes and commands of the transfer modules. */
export class TransferHost extends FakeHost {
  tools = new Set(['curl']);
  /** What URLs serve, for the download script and the sha256 probe. */
  served = new Map<string, Buffer>();
  extracted = 0;

  constructor(init: Record<string, FakeSpec> = {}, controller: Record<string, string> = {}) {
    super({ '/tmp': { type: 'dir' }, ...init }, controller);
    this.onExec = (argv) => this.exec(argv, (this.ran.at(-1) as { stdin?: string }).stdin);
  }

  override async probe(argv: string[]): Promise<ProbeResult> {
    if (argv[0] === 'sh' && argv[1] === '-c' && argv[2]!.startsWith('command -v')) {
      const found = argv[2]!
        .split('||')
        .map((s) => s.trim().split(' ')[2]!)
        .find((t) => this.tools.has(t));
      return found ? { rc: 0, stdout: `/usr/bin/${found}\n`, stderr: '' } : { rc: 1, stdout: '', stderr: '' };
    }
    if (argv[0] === 'sh' && argv[2]!.startsWith('cd -- "$1"')) {
      const [dest, ...paths] = argv.slice(4);
      const lines = [];
      for (const p of paths) {
        const st = await this.stat(posix.join(dest!, p), { follow: false });
        if (!st.exists) lines.push('MISSING');
        else {
          const type = st.isdir ? 'directory' : st.islnk ? 'symbolic link' : 'regular file';
          lines.push(
            `${st.size}|${st.mtime}|${type}|${parseInt(st.mode!, 8).toString(8)}|` +
              `${st.owner}|${st.group}|${st.uid}|${st.gid}|${st.lnk_target ?? ''}`,
          );
        }
      }
      return { rc: 0, stdout: lines.map((l) => `${l}\n`).join(''), stderr: '' };
    }
    if (argv[0] === 'sh' && argv[2] === '"$@" | sha256sum') {
      const body = this.served.get(argv.at(-1)!);
      return body
        ? { rc: 0, stdout: `${createHash('sha256').update(body).digest('hex')}  -\n`, stderr: '' }
        : { rc: 1, stdout: '', stderr: '' };
    }
    if (argv[0] === 'curl' && argv.includes('--url')) {
      const body = this.served.get(argv.at(-1)!);
      return body ? { rc: 0, stdout: body.toString(), stderr: '' } : { rc: 22, stdout: '', stderr: 'curl: (22) 404' };
    }
    return super.probe(argv);
  }

  private exec(argv: string[], stdin?: string): void {
    if (argv[0] === 'tar' || argv[0] === 'unzip') {
      const file = argv[0] === 'tar' ? argv[argv.indexOf('-f') + 1]! : argv[argv.indexOf('-o') + 1]!;
      const dest = argv[0] === 'tar' ? argv[argv.indexOf('-C') + 1]! : argv[argv.indexOf('-d') + 1]!;
      this.extracted++;
      this.extractArchive(file, dest);
      return;
    }
    if (argv[0] === 'sh' && argv[1] === '-s' && stdin?.includes('mktemp "$dest.kplay-XXXXXX"')) {
      const [dest, algo, want, mode, own, ...dl] = argv.slice(3);
      const body = this.served.get(dl.at(-1)!);
      if (!body) throw new Error('fake: 404');
      if (want && createHash(algo!).update(body).digest('hex') !== want) throw new Error('fake: checksum mismatch');
      const [owner, group] = own ? own.split(':') : [];
      this.apply([
        {
          summary: '',
          actions: [{ put: dest!, content: body, mode, owner: owner || undefined, group: group || undefined }],
          touches: [],
        },
      ]);
    }
  }
}
