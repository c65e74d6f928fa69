// Test archives made with the real tools: bin/tool (0755), etc/conf, a symlink `link`, fixed mtimes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeArchive(kind: 'tgz' | 'zip', tool = '#!/bin/sh'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-arch-'));
  const root = join(dir, 'pkg');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'bin/tool'), tool, { mode: 0o755 });
  writeFileSync(join(root, 'etc/conf'), 'a=1\n');
  symlinkSync('bin/tool', join(root, 'link'));
  for (const p of ['bin/tool', 'etc/conf']) utimesSync(join(root, p), 1_600_000_000, 1_600_000_000);
  const out = join(dir, kind === 'tgz' ? 'a.tgz' : 'a.zip');
  if (kind === 'tgz') execFileSync('tar', ['-czf', out, '-C', root, '.']);
  else execFileSync('zip', ['-qry', out, '.'], { cwd: root });
  return readFileSync(out);
}
