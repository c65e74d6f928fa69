// `kplay schema`: the real command writes one JSON Schema a kind, ajv compiles each strictly, and they validate
// every YAML file of the repository's playbooks/ (plays, roles' tasks, handlers, defaults, vars, meta) and
// inventories/ (YAML inventories, group_vars, host_vars).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { KPLAY_ROOT } from '../../src/core/package-root.js';
import { loadYamlFile } from '../../src/core/source.js';
import { compileSchemas, describeErrors, errorsOf, type Validators } from '../support/schemas.js';
import { writeTree } from '../support/tree.js';

const KINDS = ['playbook', 'tasks', 'handlers', 'role-vars', 'role-meta', 'inventory', 'site-vars'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

/** Which schema a repository file is checked against: the same globs README's editor settings map. */
function kindOf(path: string): string {
  const rel = relative(KPLAY_ROOT, path);
  const role = /^playbooks\/roles\/[^/]+\/(tasks|handlers|defaults|vars|meta)\//.exec(rel)?.[1];
  if (role) return { tasks: 'tasks', handlers: 'handlers', meta: 'role-meta' }[role] ?? 'role-vars';
  if (/^playbooks\/[^/]+\.ya?ml$/.test(rel)) return 'playbook';
  if (/^inventories\/.*\/(group_vars|host_vars)\//.test(rel)) return 'site-vars';
  if (/^inventories\/[^/]+\/[^/]+\.ya?ml$/.test(rel)) return 'inventory';
  throw new Error(`no schema kind for ${rel}`);
}

describe('kplay schema', () => {
  let validators: Validators;
  const out = writeTree({});

  before(() => {
    const r = spawnSync(process.execPath, ['bin/kplay', 'schema', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const printed = r.stdout.trim().split('\n');
    expect(printed).to.deep.equal(KINDS.map((k) => join(out, `${k}.schema.json`)));
    validators = compileSchemas(
      Object.fromEntries(KINDS.map((k) => [k, JSON.parse(readFileSync(join(out, `${k}.schema.json`), 'utf8'))])),
    );
  });

  it('names its default folder and the editor line in its help', () => {
    const r = spawnSync(process.execPath, ['bin/kplay', 'schema', '--help'], { encoding: 'utf8' });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.include('.kplay/schemas').and.include('yaml-language-server: $schema=');
  });

  it('writes draft-07 schemas that ajv compiles in strict mode', () => {
    for (const k of KINDS) {
      const s = JSON.parse(readFileSync(join(out, `${k}.schema.json`), 'utf8'));
      expect(s.$schema, k).to.equal('http://json-schema.org/draft-07/schema#');
      expect(validators[k], k).to.be.a('function');
    }
  });

  const files = [...yamlFiles(join(KPLAY_ROOT, 'playbooks')), ...yamlFiles(join(KPLAY_ROOT, 'inventories'))];

  it('finds the repository files of every kind but site-vars (inventories/ has no group_vars yet)', () => {
    const kinds = new Set(files.map(kindOf));
    expect([...kinds].sort()).to.deep.equal(KINDS.filter((k) => k !== 'site-vars').sort());
    expect(files.length).to.be.greaterThan(100);
  });

  for (const file of files) {
    const rel = relative(KPLAY_ROOT, file);
    it(`validates ${rel} as ${kindOf(file)}`, () => {
      const errors = errorsOf(validators[kindOf(file)]!, loadYamlFile(file));
      expect(errors, describeErrors(errors)).to.equal(undefined);
    });
  }

  it("takes a library/ folder's modules with --library", () => {
    const site = writeTree({
      'library/hello.js':
        "export default { name: 'hello_file', description: 'Writes a greeting.', args: {}, anyArgs: true,\n" +
        "  required: ['path'], async plan() { return { changes: [] }; } };\n",
    });
    const dir = join(site, 'schemas');
    const r = spawnSync(process.execPath, ['bin/kplay', 'schema', '-o', dir, '--library', join(site, 'library')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    const tasks = compileSchemas({ tasks: JSON.parse(readFileSync(join(dir, 'tasks.schema.json'), 'utf8')) }).tasks!;
    expect(errorsOf(tasks, [{ hello_file: { path: '/x', greeting: 'hi' } }])).to.equal(undefined);
    const missing = errorsOf(tasks, [{ hello_file: { greeting: 'hi' } }]);
    expect(missing?.map((e) => `${e.instancePath} ${e.message}`)).to.include(
      "/0/hello_file must have required property 'path'",
    );
    expect(errorsOf(validators.tasks!, [{ hello_file: { path: '/x' } }]), 'not without --library').to.not.equal(
      undefined,
    );
  });
});
