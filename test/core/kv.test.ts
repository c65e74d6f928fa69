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
  it('reports words without = for modules that are not free-form', () => {
    expect(parseKv('src=a oops').bare.map((t) => t.text)).to.deep.equal(['oops']);
  });
});
