// A YAML text is parsed once per process (core/yaml-parsed.ts); each read of it still gets values of its own,
// placed in its own file, with its own problems.
import { expect } from 'chai';
import { Problems } from '../../src/core/errors.js';
import { keyLoc, locOf } from '../../src/core/places.js';
import { parseYaml } from '../../src/core/source.js';
import { VaultText } from '../../src/core/vault.js';
import { parsedYaml } from '../../src/core/yaml-parsed.js';

const TEXT = 'a:\n  b: [1, 2]\n  c: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    3132\nd: !unsafe "{{ x }}"\n';

describe('YAML parsed once per text', () => {
  it('parses a text once, and each read gets fresh values placed in its own file', () => {
    expect(parsedYaml(TEXT)).to.equal(parsedYaml(TEXT));
    const one = parseYaml(TEXT, 'one.yml') as { a: { b: number[]; c: VaultText }; d: string };
    const two = parseYaml(TEXT, 'two.yml') as typeof one;
    expect(two).to.deep.equal(one);
    expect(two.a).not.to.equal(one.a);
    expect(two.a.c).to.be.instanceOf(VaultText);
    expect(two.a.c).not.to.equal(one.a.c);
    expect(locOf(one.a)).to.deep.include({ file: 'one.yml', line: 2, col: 3 });
    expect(keyLoc(two, 'd')).to.deep.include({ file: 'two.yml', line: 6, col: 1 });
    one.a.b.push(3);
    delete (one as Partial<typeof one>).d;
    expect(parseYaml(TEXT, 'three.yml')).to.deep.equal(two);
  });

  it('reports a bad text in each file that holds it', () => {
    const bad = 'a: [1, 2\nb: 3\n';
    for (const file of ['x.yml', 'y.yml']) {
      const problems = new Problems();
      expect(parseYaml(bad, file, { problems })).to.equal(undefined);
      expect(problems.list.map((p) => p.loc?.file)).to.deep.equal([file]);
    }
  });
});
