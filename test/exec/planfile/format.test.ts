// The plan file as written and read: a round trip keeps the run's arguments; a secret is never written; a file
// that is not a plan is refused naming the field.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KplayError } from '../../../src/core/errors.js';
import { addSecret, clearSecrets } from '../../../src/core/secrets.js';
import { statDigest } from '../../../src/exec/planfile/digest.js';
import { type PlanFile, readPlan, writePlan } from '../../../src/exec/planfile/format.js';

const plan = (playbook = '/site/site.yml'): PlanFile => ({
  kplay: 'plan',
  version: 1,
  created: '2026-12-05T00:00:00.000Z',
  args: { playbook, inventory: ['/site'], extraVars: [], tags: [], skipTags: [], startAtTask: 'Start*', diff: true },
  files: { [playbook]: '0'.repeat(64) },
  fingerprints: [],
  entries: [],
});

describe('plan files: the format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-planfile-'));
  afterEach(() => clearSecrets());

  it('round-trips the run and is written 0600', () => {
    const f = join(dir, 'plan.json');
    writePlan(f, plan());
    expect(readPlan(f)).to.deep.equal(plan());
    expect(statSync(f).mode & 0o777).to.equal(0o600);
  });

  it('refuses to write a plan that holds a secret, and writes nothing', () => {
    addSecret('hunter2-but-longer');
    const f = join(dir, 'secret.json');
    expect(() => writePlan(f, plan('/site/hunter2-but-longer.yml'))).to.throw(KplayError, /the plan holds a secret/);
    expect(() => readFileSync(f)).to.throw(/ENOENT/);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{', /cannot read the plan .*bad-0\.json/],
    ['another file', '{"kplay": "inventory"}', /is not a kplay plan \(version 1\): kplay: /],
    ['a newer version', JSON.stringify({ ...plan(), version: 2 }), /version: /],
    ['a wrong field', JSON.stringify({ ...plan(), entries: [{ host: 1 }] }), /entries\.0\.host: /],
  ];
  for (const [i, [what, text, msg]] of bad.entries())
    it(`refuses ${what}, naming what is wrong (PLAN_FILE, exit 4)`, () => {
      const f = join(dir, `bad-${i}.json`);
      writeFileSync(f, text);
      try {
        readPlan(f);
        expect.fail('read');
      } catch (e) {
        expect(e).to.be.instanceOf(KplayError);
        expect((e as KplayError).code).to.equal('PLAN_FILE');
        expect((e as KplayError).exitCode).to.equal(4);
        expect((e as Error).message).to.match(msg);
      }
    });
});

describe('plan files: what a stat fingerprint keeps', () => {
  const dir = { exists: true, path: '/tmp', isdir: true, mode: '1777', uid: 0, gid: 0, size: 4096, mtime: 1 };
  it("a folder's size and mtime move with its entries: not kept", () => {
    expect(statDigest({ ...dir, size: 12288, mtime: 2 })).to.equal(statDigest(dir));
  });
  it("a folder's mode, a file's size and mtime are kept", () => {
    expect(statDigest({ ...dir, mode: '0755' })).to.not.equal(statDigest(dir));
    const file = { exists: true, path: '/f', isreg: true, mode: '0644', size: 1, mtime: 1 };
    expect(statDigest({ ...file, size: 2 })).to.not.equal(statDigest(file));
    expect(statDigest({ ...file, mtime: 2 })).to.not.equal(statDigest(file));
  });
});
