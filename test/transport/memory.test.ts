// The in-memory host answers like a real one for what it knows, and refuses what it does not.
import { expect } from 'chai';
import { parseStat } from '../../src/exec/host-stat.js';
import { MemoryHost } from '../../src/transport/memory.js';

const STAT = (path: string, algo = '') => ['sh', '-c', 'stat $f -c "%F|%a|..."', 'sh', path, algo, '0'];

describe('the in-memory host', () => {
  const cases: { argv: string[]; rc: number; after?: (h: MemoryHost) => void }[] = [
    {
      argv: ['mkdir', '-p', '--', '/srv/a/b'],
      rc: 0,
      after: (h) => expect(h.files.get('/srv/a')?.type).to.equal('dir'),
    },
    { argv: ['mkdir', '--', '/srv/x/y'], rc: 1 },
    { argv: ['touch', '--', '/etc/t'], rc: 0, after: (h) => expect(h.files.get('/etc/t')?.mode).to.equal(0o644) },
    {
      argv: ['chmod', '0600', '--', '/etc/f'],
      rc: 0,
      after: (h) => expect(h.files.get('/etc/f')?.mode).to.equal(0o600),
    },
    { argv: ['chmod', 'u+x', '--', '/etc/f'], rc: 1 },
    { argv: ['chown', 'root:0', '--', '/etc/f'], rc: 0 },
    { argv: ['chown', 'nobody', '--', '/etc/f'], rc: 1 },
    { argv: ['rm', '-f', '--', '/etc/nothing'], rc: 0 },
    { argv: ['rm', '--', '/etc'], rc: 1 },
    { argv: ['rm', '-rf', '--', '/etc'], rc: 0, after: (h) => expect(h.files.has('/etc/f')).to.equal(false) },
    { argv: ['ln', '-sfn', '--', '/etc/f', '/etc/l'], rc: 0 },
    { argv: ['apt-get', 'update'], rc: 127 },
  ];
  for (const c of cases) {
    it(`${c.argv.join(' ')} -> rc ${c.rc}`, async () => {
      const h = new MemoryHost('h');
      h.seed('/etc/f', 'x');
      const r = await h.exec(c.argv);
      expect(r.rc, r.stderr).to.equal(c.rc);
      c.after?.(h);
    });
  }

  it('answers the reader stat script in the form the reader parses, links and checksums included', async () => {
    const h = new MemoryHost('h');
    h.seed('/etc/f', 'abc', 0o640);
    await h.exec(['ln', '-s', '--', '/etc/f', '/etc/l']);
    const st = parseStat('/etc/f', (await h.exec(STAT('/etc/f', 'sha1'))).stdout);
    expect(st).to.include({ exists: true, isreg: true, mode: '0640', size: 3, owner: 'root' });
    expect(st.checksum).to.equal('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(parseStat('/etc/l', (await h.exec(STAT('/etc/l'))).stdout)).to.include({
      islnk: true,
      lnk_target: '/etc/f',
    });
    expect(parseStat('/nope', (await h.exec(STAT('/nope'))).stdout).exists).to.equal(false);
  });

  it('keeps an existing file mode on put unless one is given, and refuses a put into a missing folder', async () => {
    const h = new MemoryHost('h');
    h.seed('/etc/f', 'x', 0o600);
    await h.put('/etc/f', Buffer.from('y'));
    expect(h.files.get('/etc/f')).to.include({ mode: 0o600 });
    await h.put('/etc/f', Buffer.from('z'), { mode: '0644' });
    expect(h.files.get('/etc/f')).to.include({ mode: 0o644 });
    expect(await h.get('/etc/f')).to.deep.equal(Buffer.from('z'));
    let err: Error | undefined;
    await h.put('/nope/f', Buffer.from('z')).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/no such folder/);
  });
});
