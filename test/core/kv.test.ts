import { expect } from 'chai';
import { parseKv, splitArgs } from '../../src/core/kv.js';

describe('key=value arguments', () => {
  it('splits on spaces outside quotes and {{ }}', () => {
    expect(splitArgs('a=1 b="x y" c={{ foo | default(1) }} d').map((t) => t.text)).to.deep.equal([
      'a=1',
      'b="x y"',
      'c={{ foo | default(1) }}',
      'd',
    ]);
  });
  it('strips one level of quotes', () => {
    expect(parseKv(`src=a dest="/etc/my file" mode='0644'`).args).to.deep.equal({
      src: 'a',
      dest: '/etc/my file',
      mode: '0644',
    });
  });
  it('keeps the offset of each key', () => {
    expect(parseKv('src=a dest=b').offsets).to.deep.equal({ src: 0, dest: 6 });
  });
  it('takes only known keys out of a free-form command', () => {
    const r = parseKv(
      'etcdctl --endpoints=https://x:2379 endpoint health creates=/tmp/x chdir=/opt',
      new Set(['creates', 'chdir']),
    );
    expect(r.args).to.deep.equal({ creates: '/tmp/x', chdir: '/opt' });
    expect(r.raw).to.equal('etcdctl --endpoints=https://x:2379 endpoint health');
  });
  it('keeps a free-form script as written (newlines and spacing), without the options', () => {
    const r = parseKv('set -e\necho  one\nchdir=/opt echo two\n', new Set(['chdir']));
    expect(r.args).to.deep.equal({ chdir: '/opt' });
    expect(r.raw).to.equal('set -e\necho  one\necho two\n');
  });
  for (const [written, value] of [
    ["r='\\b(.+)\\b'", '\b(.+)\b'],
    ["r='\\\\b(.+)\\\\b'", '\\b(.+)\\b'],
    ['r=^a\\s+\\d\\.', '^a\\s+\\d\\.'],
    ['r="x\\ny\\tz"', 'x\ny\tz'],
    ['r="say \\"hi\\""', 'say "hi"'],
    ["r='it\\'s'", "it's"],
    ['r=\\x41\\u00e9\\U0001F600', 'A\u00e9\u{1F600}'],
  ] as const) {
    it(`decodes a word's escapes before its quotes, as Ansible: ${written}`, () => {
      expect(parseKv(written).args.r).to.equal(value);
    });
  }
  it("keeps a free-form command as written: its escapes are the shell's", () => {
    const r = parseKv('printf "a\\tb" chdir=/o\\x70t', new Set(['chdir']));
    expect(r).to.deep.include({ args: { chdir: '/opt' }, raw: 'printf "a\\tb"' });
  });
  it('reports words without = for modules that are not free-form', () => {
    expect(parseKv('src=a oops').bare.map((t) => t.text)).to.deep.equal(['oops']);
  });
  it('takes a templated key only when asked (set_fact renders it when the task runs)', () => {
    const s = '{{ item.key }}={{ v }} x_{{ n }}_y=1 {{ a == b }}=2';
    expect(parseKv(s, undefined, true).args).to.deep.equal({ '{{ item.key }}': '{{ v }}', 'x_{{ n }}_y': '1' });
    expect(parseKv(s, undefined, true).bare.map((t) => t.text)).to.deep.equal(['{{ a == b }}=2']);
    expect(parseKv(s).bare).to.have.length(3);
  });
});
