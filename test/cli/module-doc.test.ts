// kplay doc covers every module; user modules from library/ are loaded, checked and registered.
import { expect } from 'chai';
import { join } from 'node:path';
import { formatDoc, jsonSchema } from '../../src/cli/module-doc.js';
import { loadUserModules } from '../../src/playbook/user-modules.js';
import { builtins } from '../../src/tasks/index.js';
import { writeTree } from '../support/tree.js';
import { spawnSync } from 'node:child_process';

describe('kplay doc', () => {
  for (const m of builtins.all()) {
    it(`documents ${m.name}: description, arguments, JSON Schema, example`, () => {
      expect(m.description.length).to.be.greaterThan(10);
      const text = formatDoc(m);
      expect(text).to.include(`> ${m.name.toUpperCase()}`);
      for (const a of Object.keys(m.args).filter((n) => n !== '_raw_params')) expect(text).to.include(`${a}  (`);
      const schema = jsonSchema(m);
      expect(schema.type).to.equal('object');
      expect(schema.title).to.equal(m.name);
      expect(m.example, `${m.name} has no example`).to.be.a('string');
    });
  }
  it('the CLI prints a module and lists all', () => {
    const one = spawnSync(process.execPath, ['bin/kplay', 'doc', 'file'], { encoding: 'utf8' });
    expect(one.status).to.equal(0);
    expect(one.stdout).to.include('choices: absent, directory, file, hard, link, touch');
    const list = spawnSync(process.execPath, ['bin/kplay', 'doc', '--list'], { encoding: 'utf8' });
    expect(list.stdout.split('\n').length).to.be.greaterThan(10);
    const json = spawnSync(process.execPath, ['bin/kplay', 'doc', 'copy', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(json.stdout).properties.dest).to.deep.equal({ type: 'string' });
  });
});

describe('user modules', () => {
  it('loads a module from a library folder and checks its arguments like the built-in ones', async () => {
    const dir = writeTree({
      'library/hello.js':
        `export default {
  name: 'hello_file', description: 'Writes a greeting to a file on the host.',
  args: {}, anyArgs: true, required: ['path'],
  async plan(args, host, facts) {
    const now = await facts.read(args.path);
    const want = Buffer.from('hello ' + host.name + '\\n');
    if (now && now.equals(want)) return { changes: [] };
    return { changes: [{ summary: 'write ' + args.path, actions: [{ put: args.path, content: want }], ` +
        `touches: ['file:' + args.path] }] };
  },
};\n`,
    });
    const modules = builtins.copy();
    const names = await loadUserModules(join(dir, 'library'), modules);
    expect(names).to.deep.equal(['hello_file']);
    expect(modules.find('hello_file')?.description).to.equal('Writes a greeting to a file on the host.');
    // the run's own registry: the built-in one, shared by every run of the process, is untouched
    expect(builtins.find('hello_file')).to.equal(undefined);
    expect(() => builtins.add(modules.find('hello_file')!)).to.throw(/shared/);
  });
  it('a file that exports no module is an error naming it', async () => {
    const dir = writeTree({ 'library/bad.js': 'export const x = 1;\n' });
    try {
      await loadUserModules(join(dir, 'library'), builtins.copy());
      expect.fail('should throw');
    } catch (e) {
      expect((e as Error).message).to.match(/bad\.js exports no module/);
    }
  });
});
