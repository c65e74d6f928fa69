// kplay as a package (issue 19 point 4): `npm pack`, `npm install -g` of the tarball into an empty prefix, and the
// installed kplay run from a folder outside the checkout: --help, doc --list, new, run --syntax-check, a run that
// loads the packages the bundle leaves out (@peculiar/x509, ssh2), the lab daemon's files, completion.
// Packed with --ignore-scripts: `npm pack` runs `prepare` (npm run build), whose clean step would remove dist/
// under the tests of the other lane; `npm test` builds just before the tests, and the first case proves the files
// packed are that build: no source newer than tsc's output of it, and the bundle as build/bundle.ts makes it now.
// Installed with --ignore-scripts too: kplay needs no install script (npm is turning them off for global installs;
// ssh2's optional native builds are not needed), and --prefer-offline reads the npm cache first.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { bundle } from '../../build/bundle.js';
import { bashCompletes } from '../support/completion.js';

const REPO = resolve('.');
const MAX_TARBALL = 1.5e6;

/** npm's environment without what `npm test` passes down to its scripts (this package's settings and prefix). */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|registry|userconfig|globalconfig|offline|prefer_offline)$/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
  return { ...env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` };
}

function npm(cwd: string, args: string[]): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: npmEnv(), timeout: 180_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** tsc's outputs older than their source: the build is not of the sources as they are. */
function staleOutputs(): string[] {
  return ['src', 'build'].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f))
      .filter((ts) => {
        const js = join('dist', ts.replace(/\.ts$/, '.js'));
        try {
          return statSync(js).mtimeMs < statSync(ts).mtimeMs;
        } catch {
          return true;
        }
      }),
  );
}

interface Packed {
  filename: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

describe('kplay as a package: npm pack, npm install -g into an empty prefix, run', function () {
  this.timeout(240_000);
  const tmp = mkdtempSync(join(tmpdir(), 'kplay-pack-'));
  const prefix = join(tmp, 'prefix');
  const work = join(tmp, 'work');
  const installed = join(prefix, 'lib', 'node_modules', 'kplay');
  let packed: Packed;

  before(() => {
    const started = Date.now();
    const json = npm(REPO, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp]);
    packed = (JSON.parse(json) as Packed[])[0]!;
    npm(tmp, [
      'install',
      '-g',
      '--prefix',
      prefix,
      join(tmp, packed.filename),
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ]);
    cpSync(join(REPO, 'inventories', 'example'), join(work, 'example'), { recursive: true });
    console.log(
      `      ${packed.filename}: ${(packed.size / 1024).toFixed(0)} kB, ${packed.entryCount} files; ` +
        `packed and installed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** The installed kplay, from the folder outside the checkout, found through the prefix's bin/ as users do. */
  function kplay(...args: string[]) {
    const r = spawnSync(join(prefix, 'bin', 'kplay'), args, { cwd: work, encoding: 'utf8', env: npmEnv() });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it('packs this build: no source newer than its output, the bundle as build/bundle.ts makes it now', async () => {
    expect(staleOutputs(), 'run npm run build first').to.deep.equal([]);
    const fresh = join(tmp, 'fresh-bundle');
    await bundle(REPO, fresh);
    const made = readFileSync(join(fresh, 'kplay.cjs'));
    expect(made.equals(readFileSync(join(installed, 'dist', 'bundle', 'kplay.cjs')))).to.equal(true);
  });

  it('holds what an installed kplay reads, and no sources, tests, maps or code cache', () => {
    const paths = packed.files.map((f) => f.path);
    for (const f of [
      'package.json',
      'README.md',
      'bin/kplay',
      'dist/build/load-bundle.js',
      'dist/bundle/kplay.cjs',
      'dist/src/lab/daemon-main.js',
      'playbooks/ha-cluster.yml',
      'playbooks/roles/kplay-defaults/defaults/main.yml',
      'templates/new-site/hosts.hbs',
      'docs/ha-cluster.md',
      'assets/report/main.js',
    ])
      expect(paths).to.include(f);
    const unwanted =
      /^(src|test|bench|build|inventories|\.ci)\/|^dist\/(test|bench|src\/(?!core\/|lab\/))|\.(map|ts)$|v8-cache/;
    expect(paths.filter((p) => unwanted.test(p))).to.deep.equal([]);
    expect(packed.size).to.be.below(MAX_TARBALL);
    expect(statSync(join(tmp, packed.filename)).size).to.equal(packed.size);
  });

  it('kplay --help and kplay doc --list', () => {
    const help = kplay('--help');
    expect(help.code, help.err).to.equal(0);
    expect(help.out)
      .to.match(/kplay run <playbook>/)
      .and.match(/kplay completion/);
    const doc = kplay('doc', '--list');
    expect(doc.code, doc.err).to.equal(0);
    for (const m of ['copy', 'template', 'lineinfile', 'pki_ca']) expect(doc.out).to.match(new RegExp(`^${m}\\s`, 'm'));
  });

  it('kplay new, then run the shipped ha-cluster.yml --syntax-check on it and on the example site', () => {
    const made = kplay('new', './site');
    expect(made.code, made.err).to.equal(0);
    const shipped = join(installed, 'playbooks', 'ha-cluster.yml');
    for (const [playbook, site] of [
      ['playbooks/ha-cluster.yml', 'site'],
      [shipped, 'example'],
    ]) {
      const r = kplay('run', playbook!, '-i', site!, '--syntax-check');
      expect(r.code, r.err).to.equal(0);
      expect(r.out).to.include(`playbook: ${shipped}`);
    }
  });

  it('runs a playbook: a CA made with @peculiar/x509 on localhost, ssh2 refused by a closed port', () => {
    writeFileSync(
      join(work, 'hosts.yml'),
      'all:\n  hosts:\n    localhost: { ansible_connection: local }\n' +
        '    far: { ansible_host: 127.0.0.1, ansible_port: 1, ansible_user: nobody }\n',
    );
    writeFileSync(
      join(work, 'pb.yml'),
      '- hosts: localhost\n  gather_facts: false\n  tasks:\n' +
        '    - pki_ca: { path: "{{ playbook_dir }}/ssl", common_name: kplay-pack-test }\n' +
        '- hosts: far\n  gather_facts: false\n  tasks:\n    - command: "true"\n',
    );
    const r = kplay('run', 'pb.yml', '-i', 'hosts.yml');
    expect(r.code, r.err).to.equal(4);
    expect(r.out).to.match(/changed: \[localhost\]/);
    expect(r.out).to.match(/UNREACHABLE!.*connection refused/);
    expect(readFileSync(join(work, 'ssl', 'ca.pem'), 'utf8')).to.match(/^-----BEGIN CERTIFICATE-----/);
    // the run's report page holds the page's script, read from the installed package
    const page = readFileSync(join(work, /^report: (.*)$/m.exec(r.out)![1]!), 'utf8');
    expect(page).to.include('id="report-data"').and.include("getElementById('report-data')").and.include('K.setFilter');
  });

  it("the lab daemon's files load (it runs from dist/src/lab, not from the bundle)", () => {
    const r = spawnSync(process.execPath, [join(installed, 'dist', 'src', 'lab', 'daemon-main.js')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/^usage: daemon-main --host ADDR/);
  });

  it('kplay completion, and bash completing with it', () => {
    const r = kplay('completion');
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.include('complete -o bashdefault -o default -F _kplay_yargs_completions kplay');
    const words = bashCompletes(join(prefix, 'bin'), ['kplay', 'run', '--ch']);
    expect(words.code, words.err).to.equal(0);
    expect(words.words).to.deep.equal(['--check']);
  });
});
