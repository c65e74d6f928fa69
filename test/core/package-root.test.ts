// kplay's own folder, found from the compiled sources (the bundle finds the same from dist/bundle).
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KPLAY_ROOT } from '../../src/core/package-root.js';

describe("kplay's own folder", () => {
  it('holds package.json (named kplay) and the shipped playbook; ends with a slash', () => {
    expect(JSON.parse(readFileSync(join(KPLAY_ROOT, 'package.json'), 'utf8')).name).to.equal('kplay');
    expect(existsSync(join(KPLAY_ROOT, 'playbooks/ha-cluster.yml'))).to.equal(true);
    expect(KPLAY_ROOT.endsWith('/')).to.equal(true);
  });
});
