// The atomic write as one call in a long-lived shell (src/transport/shell-put.ts), through the local transport on
// this machine: modes (by umask, by chmod, symbolic), owners, an existing file's mode and owner kept, and the
// bytes it leaves to the other write (NUL, not UTF-8, too large, a validate command). The SSH side: ssh.test.ts.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionCall } from '../../src/core/shell-functions.js';
import { INLINE_MAX, inlinePutArgv, umaskFor } from '../../src/transport/shell-put.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { PutOptions } from '../../src/transport/types.js';

const NOBODY = 65534;

describe('transport/shell-put', () => {
  let dir: string;
  const t = new LocalTransport('localhost');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kplay-shell-put-'));
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('umaskFor: the umask that makes a new file the mode, only for modes within rw-rw-rw-', () => {
    const cases: [string | undefined, string][] = [
      ['0644', '133'],
      ['644', '133'],
      ['0600', '177'],
      ['0640', '137'],
      ['0000', '777'],
      ['0755', ''],
      ['4644', ''],
      ['u=rw,go=r', ''],
      [undefined, ''],
    ];
    for (const [mode, um] of cases) expect(umaskFor(mode), String(mode)).to.equal(um);
  });

  it('leaves to the other write: NUL bytes, bytes not UTF-8, more than INLINE_MAX, a validate command', () => {
    const cases: [string, Buffer, PutOptions, boolean][] = [
      ['text', Buffer.from('a=1\n'), {}, true],
      ['empty', Buffer.alloc(0), {}, true],
      ['quotes and newlines', Buffer.from('it\'s\n"$x" `y` \\\n'), {}, true],
      ['NUL', Buffer.from([0x61, 0, 0x62]), {}, false],
      ['latin-1', Buffer.from([0x61, 0xe9, 0x0a]), {}, false],
      ['at the limit', Buffer.alloc(INLINE_MAX, 0x61), {}, true],
      ['over the limit', Buffer.alloc(INLINE_MAX + 1, 0x61), {}, false],
      ['validate', Buffer.from('x'), { validate: 'true %s' }, false],
    ];
    for (const [name, bytes, o, inline] of cases)
      expect(inlinePutArgv('/d/.f.kplay-1', '/d/f', bytes, o) !== undefined, name).to.equal(inline);
  });

  // [name, the file before (mode, uid) or none, bytes, options, mode after, uid after]
  const cases: [string, [number, number] | undefined, string, PutOptions, number, number][] = [
    ['new, mode by umask', undefined, 'a\n', { mode: '0640' }, 0o640, 0],
    ['new, mode by chmod', undefined, '#!/bin/sh\n', { mode: '0755' }, 0o755, 0],
    ['new, symbolic mode', undefined, 'b\n', { mode: 'u=rw,go=r' }, 0o644, 0],
    ['new, no mode: the umask', undefined, 'c\n', {}, 0o644, 0],
    ['new, owner and group', undefined, 'd\n', { mode: '0600', owner: 'nobody', group: 'nogroup' }, 0o600, NOBODY],
    ['existing, no mode: its mode and owner kept', [0o604, NOBODY], 'e\n', {}, 0o604, NOBODY],
    ['existing, a mode: its owner kept', [0o600, NOBODY], 'f\n', { mode: '0644' }, 0o644, NOBODY],
    ['existing, an owner: the mode kept', [0o640, 0], 'g\n', { owner: 'nobody' }, 0o640, NOBODY],
    ['existing, setuid mode', [0o644, 0], 'h\n', { mode: '4755' }, 0o4755, 0],
  ];
  for (const [name, before, bytes, o, mode, uid] of cases) {
    it(`writes ${name}`, async () => {
      const f = join(dir, name.replace(/\W+/g, '-'));
      if (before) {
        writeFileSync(f, 'old\n', { mode: before[0] });
        chownSync(f, before[1], before[1]);
      }
      await t.put(f, Buffer.from(bytes), o);
      const st = statSync(f);
      expect([readFileSync(f, 'utf8'), st.mode & 0o7777, st.uid]).to.deep.equal([bytes, mode, uid]);
      expect(readdirSync(dir).filter((n) => n.includes('.kplay-'))).to.deep.equal([]);
    });
  }

  it('fails on a directory or a missing folder, names the file, and leaves nothing behind', async () => {
    for (const target of [dir, join(dir, 'no/such/f')]) {
      const e = (await t.put(target, Buffer.from('x\n')).catch((x: Error) => x)) as Error;
      expect(e.message, target).to.match(/cannot write .*the file was not changed/);
    }
    expect(readdirSync(dir).filter((n) => n.includes('.kplay-'))).to.deep.equal([]);
  });

  it('never writes through a temp name that is already there (a link planted in a shared folder)', () => {
    const victim = join(dir, 'victim');
    const tmp = join(dir, '.planted.kplay-1');
    symlinkSync(victim, tmp);
    const call = functionCall(inlinePutArgv(tmp, join(dir, 'planted'), Buffer.from('x\n'), {})!)!;
    const r = spawnSync('sh', { input: `${call.definition}\n${call.line}\n`, encoding: 'utf8' });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/exists/);
    expect(existsSync(victim) || existsSync(join(dir, 'planted'))).to.equal(false);
  });

  it('removes temp files of the target an earlier run left behind', async () => {
    const f = join(dir, 'strays');
    writeFileSync(join(dir, '.strays.kplay-0123456789ab'), 'partial');
    await t.put(f, Buffer.from('whole\n'));
    expect(readdirSync(dir).filter((n) => n.includes('strays'))).to.deep.equal(['strays']);
  });

  it('a line cut short (a dropped connection) writes nothing', () => {
    const f = join(dir, 'cut');
    const argv = inlinePutArgv(`${dir}/.cut.kplay-1`, f, Buffer.from('secret=1\n'), { mode: '0600' })!;
    const call = functionCall(argv)!;
    const full = `${call.definition}\n${call.line}\n`;
    // cut inside the bytes' quotes, and after them (the call then misses its last word)
    for (const cut of [full.length - 12, full.length - 5]) {
      const r = spawnSync('sh', { input: full.slice(0, cut), encoding: 'utf8' });
      expect(r.status, `cut at ${cut}: ${r.stderr}`).to.not.equal(0);
      expect(readdirSync(dir).filter((n) => n.includes('cut'))).to.deep.equal([]);
    }
    expect(spawnSync('sh', { input: full }).status).to.equal(0);
    expect(readFileSync(f, 'utf8')).to.equal('secret=1\n');
  });
});
