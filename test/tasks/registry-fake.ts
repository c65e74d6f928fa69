// A registry and the tar reads image_push makes, for the module samples (test/tasks/samples.ts): the archive is
// a file of the fake host, read with the controller's real tar; the registry is two sets (tags, blobs) that
// image_push's HEAD probe answers from and its push command fills.
import { execFileSync } from 'node:child_process';
import type { ProbeResult } from '../../src/tasks/contract.js';

export class FakeRegistry {
  readonly tags = new Map<string, string>();
  readonly blobs = new Set<string>();
  /** How every HEAD is answered instead: 401 (a wrong password), 000 (no answer). */
  answer: '401' | '000' | undefined;

  /** image_push's probes (tar -tf, tar -xOf, the HEAD script), or undefined for any other command. */
  probe(argv: string[], file: (path: string) => Buffer | undefined): ProbeResult | undefined {
    const ok = (stdout: string, rc = 0): ProbeResult => ({ rc, stdout, stderr: rc ? 'fake: failed' : '' });
    if (argv[0] === 'tar' && (argv[1] === '-tf' || argv[1] === '-xOf')) {
      const tar = file(argv[2]!);
      if (!tar) return ok('', 2);
      try {
        const out = execFileSync('tar', [argv[1]!, '-', ...argv.slice(3)], { input: tar, stdio: 'pipe' });
        return ok(out.toString());
      } catch {
        return ok('', 2);
      }
    }
    if (argv[0] === 'sh' && argv[2]?.includes('ACCEPT=')) {
      const url = argv[4]!;
      const answers = argv.slice(5).map((r) => {
        if (this.answer) return `code=${this.answer}\nend\n`;
        const tag = r.startsWith('m:') ? this.tags.get(`${url}:${r.slice(2)}`) : undefined;
        if (r.startsWith('m:')) return tag ? `digest=${tag}\ncode=200\nend\n` : 'code=404\nend\n';
        return this.blobs.has(r) ? `digest=${r}\ncode=200\nend\n` : 'code=404\nend\n';
      });
      return ok(answers.join(''));
    }
    return undefined;
  }

  /** image_push's push command: true when it was one. */
  exec(argv: string[]): boolean {
    if (argv[0] !== 'sh' || !argv[2]?.includes('blobs/uploads')) return false;
    const [url, ...items] = argv.slice(5);
    while (items.length) {
      const kind = items.shift();
      if (kind === 'b') this.blobs.add(items.splice(0, 2)[1]!);
      else {
        const [entry, ref] = items.splice(0, 3);
        if (!/^sha256:/.test(ref!))
          this.tags.set(`${url}:${ref}`, entry!.replace(/^(\.\/)?blobs\/sha256\//, 'sha256:'));
      }
    }
    return true;
  }
}
