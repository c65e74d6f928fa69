// `kplay new`: the files of a new site in both forms, that they load as the same inventory with kplay's own
// variable names and today's defaults, the refusal to overwrite, and the real CLI: a new site passes
// `kplay run playbooks/ha-cluster.yml --syntax-check` and `kplay inventory` lists its hosts.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KplayError, Problems } from '../../src/core/errors.js';
import { loadYamlFile } from '../../src/core/source.js';
import { hostVars, loadInventory, type Inventory } from '../../src/inventory/inventory.js';
import { inventoryList } from '../../src/inventory/output.js';
import { newSite, siteFolder } from '../../src/cli/new.js';
import { KPLAY_ROOT } from '../../src/core/package-root.js';

const REPO = resolve('.');
const tmp = () => mkdtempSync(join(tmpdir(), 'kplay-new-'));

function kplay(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/kplay'), ...args], { encoding: 'utf8', cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file under a folder, relative, with its mode. */
function tree(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tree(p, base);
    return [`${p.slice(base.length + 1)} ${(statSync(p).mode & 0o777).toString(8)}`];
  });
}

function load(dir: string): Inventory {
  const problems = new Problems();
  const inv = loadInventory([dir], problems);
  problems.throwIfAny();
  expect(inv.warnings).to.deep.equal([]);
  return inv;
}

/** The optional lines turned on: the commented host lines of ex_lb, chrony, harbor and the commented settings. */
function uncomment(dir: string, hostsFile: string): void {
  const edit = (file: string, f: (line: string) => string) =>
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').map(f).join('\n'));
  edit(join(dir, hostsFile), (l) =>
    hostsFile === 'hosts' ? l.replace(/^#(192\.0\.2\.)/, '$1') : l.replace(/^( {6})# /, '$1'),
  );
  edit(join(dir, 'group_vars/all.yml'), (l) => l.replace(/^# (\w+: )/, '$1'));
}

const roleDefaults = (): Record<string, Record<string, unknown>> => {
  const roles = join(KPLAY_ROOT, 'playbooks/roles');
  const out: Record<string, Record<string, unknown>> = {};
  for (const r of readdirSync(roles)) {
    try {
      out[r] = loadYamlFile(join(roles, r, 'defaults/main.yml')) as Record<string, unknown>;
    } catch {
      // a role without defaults
    }
  }
  return out;
};

const FORMS = [
  { form: 'INI', yaml: false, hostsFile: 'hosts' },
  { form: 'YAML (--yaml)', yaml: true, hostsFile: 'hosts.yml' },
];

describe('kplay new', () => {
  for (const { form, yaml, hostsFile } of FORMS) {
    it(`writes the site's files, ${form}`, () => {
      const dir = join(tmp(), 'site');
      const made = newSite({ site: dir, yaml });
      expect(made.files).to.deep.equal([hostsFile, 'group_vars/all.yml', '.env', '.gitignore', 'README.md']);
      expect(tree(dir).sort()).to.deep.equal(
        [`${hostsFile} 644`, 'group_vars/all.yml 644', '.env 600', '.gitignore 644', 'README.md 644'].sort(),
      );
      expect(readFileSync(join(dir, '.gitignore'), 'utf8'))
        .to.match(/^\.env$/m)
        .and.match(/^pki\/$/m);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).to.include('- kube-master: kube-apiserver');
      const text = readFileSync(join(dir, hostsFile), 'utf8');
      for (const group of ['etcd', 'kube_master', 'kube_node', 'ex_lb', 'chrony', 'harbor'])
        expect(text).to.match(yaml ? new RegExp(`^ {4}${group}:$`, 'm') : new RegExp(`^\\[${group}\\]$`, 'm'));
    });
  }

  for (const optional of [false, true]) {
    it(`both forms load as one inventory${optional ? ', with the optional lines uncommented' : ''}`, () => {
      const [ini, yml] = FORMS.map(({ yaml, hostsFile }) => {
        const dir = join(tmp(), 'site');
        newSite({ site: dir, yaml });
        if (optional) uncomment(dir, hostsFile);
        return load(dir);
      });
      expect(inventoryList(yml!)).to.deep.equal(inventoryList(ini!));
      const groups = Object.fromEntries([...ini!.groups.values()].map((g) => [g.name, g.hosts]));
      expect(groups).to.deep.include({
        etcd: ['192.0.2.11', '192.0.2.12', '192.0.2.13'],
        kube_master: ['192.0.2.11', '192.0.2.12', '192.0.2.13'],
        kube_node: ['192.0.2.21', '192.0.2.22'],
        ex_lb: optional ? ['192.0.2.41', '192.0.2.42'] : [],
        chrony: optional ? ['192.0.2.11'] : [],
        harbor: optional ? ['192.0.2.31'] : [],
      });
    });
  }

  it("sets only variables kplay's roles read (every role's defaults, the connection, the ex_lb host vars)", () => {
    const defaults = roleDefaults();
    const known = new Set([...Object.values(defaults).flatMap((d) => Object.keys(d)), 'LB_ROLE', 'EX_APISERVER_VIP']);
    for (const { yaml, hostsFile } of FORMS) {
      const dir = join(tmp(), 'site');
      newSite({ site: dir, yaml });
      uncomment(dir, hostsFile);
      const inv = load(dir);
      const names = new Set([...inv.hosts.keys()].flatMap((h) => Object.keys(hostVars(inv, h))));
      const unknown = [...names].filter((n) => n !== 'env' && !n.startsWith('ansible_') && !known.has(n));
      expect(unknown, hostsFile).to.deep.equal([]);
      expect([...names].filter((n) => n.startsWith('ansible_')).sort()).to.deep.equal([
        'ansible_become',
        'ansible_become_password',
        'ansible_password',
        'ansible_port',
        'ansible_ssh_common_args',
        'ansible_ssh_private_key_file',
        'ansible_user',
      ]);
    }
  });

  it("pins today's defaults: the cluster settings and the versions fetch-bin and the images use", () => {
    const defaults = Object.assign({}, ...Object.values(roleDefaults())) as Record<string, unknown>;
    const fetchBin = roleDefaults()['fetch-bin']!;
    const dir = join(tmp(), 'site');
    newSite({ site: dir });
    const vars = hostVars(load(dir), '192.0.2.21');
    const set = Object.keys(vars).filter((n) => !['env', 'ansible_user', 'k8s_nodename'].includes(n));
    for (const n of set) expect(vars[n], n).to.deep.equal(defaults[n]);
    for (const n of Object.keys(fetchBin).filter((n) => n.endsWith('_version') || n === 'K8S_VER' || n === 'bin_arch'))
      expect(set, 'fetch-bin pins').to.include(n);
    for (const n of ['SANDBOX_IMAGE', 'flannel_ver', 'calico_ver', 'cilium_ver', 'kube_router_ver', 'SECURE_PORT'])
      expect(set).to.include(n);
    for (const n of ['corednsVer', 'dnsNodeCacheVer', 'metricsVer', 'headlampVer', 'local_path_provisioner_ver'])
      expect(set).to.include(n);
  });

  describe('refuses to overwrite: nothing is written', () => {
    const CASES: { what: string; make: (dir: string) => void }[] = [
      { what: 'a folder with a file', make: (d) => (mkdirSync(d), writeFileSync(join(d, 'hosts'), 'mine\n')) },
      { what: 'a folder with an empty folder', make: (d) => mkdirSync(join(d, 'group_vars'), { recursive: true }) },
      { what: 'a file in its place', make: (d) => writeFileSync(d, 'mine\n') },
    ];
    for (const { what, make } of CASES)
      it(what, () => {
        const parent = tmp();
        const dir = join(parent, 'site');
        make(dir);
        const before = tree(parent);
        let err: unknown;
        try {
          newSite({ site: dir });
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(KplayError);
        expect((err as KplayError).code).to.equal('SITE_EXISTS');
        expect((err as KplayError).message).to.equal(
          `the site folder ${dir} already exists and is not empty: nothing was written`,
        );
        expect(tree(parent)).to.deep.equal(before);
        expect(readdirSync(parent)).to.deep.equal(['site']);
      });

    it('an empty folder is filled', () => {
      const dir = join(tmp(), 'site');
      mkdirSync(dir);
      newSite({ site: dir });
      expect(readdirSync(dir).sort()).to.deep.equal(['.env', '.gitignore', 'README.md', 'group_vars', 'hosts']);
    });

    it('a template that fails leaves nothing (rendered before the first write)', () => {
      const root = tmp();
      cpSync(join(KPLAY_ROOT, 'playbooks'), join(root, 'playbooks'), { recursive: true });
      cpSync(join(KPLAY_ROOT, 'templates/new-site'), join(root, 'templates/new-site'), { recursive: true });
      writeFileSync(join(root, 'templates/new-site/README.md.hbs'), '{{d.no_such_setting}}\n');
      const parent = tmp();
      expect(() => newSite({ site: join(parent, 'site') }, root))
        .to.throw(KplayError)
        .with.property('code', 'TEMPLATE');
      expect(readdirSync(parent)).to.deep.equal([]);
    });
  });

  const NAMES: [string, string | RegExp][] = [
    ['prod', 'inventories/prod'],
    ['prod-2.eu_west', 'inventories/prod-2.eu_west'],
    ['./x', './x'],
    ['sites/x/', 'sites/x'],
    ['/srv/x', '/srv/x'],
    ['.hidden', /is not a site name/],
    ['a b', /is not a site name/],
    ['-x', /is not a site name/],
    ['..', /is not a site name/],
  ];
  for (const [arg, want] of NAMES)
    it(`kplay new ${JSON.stringify(arg)}: ${want}`, () => {
      if (typeof want === 'string') expect(siteFolder(arg)).to.equal(want);
      else
        expect(() => siteFolder(arg))
          .to.throw(KplayError, want)
          .with.property('code', 'OPTIONS');
    });

  describe('the real CLI (bin/kplay) in a fresh folder', function () {
    this.timeout(90_000); // five kplay processes each, on a shared machine
    it('kplay new --help', () => {
      const r = kplay(tmp(), 'new', '--help');
      expect(r.code).to.equal(0);
      expect(r.out)
        .to.match(/Options:/)
        .and.include('--yaml');
    });

    const SITES = [
      { args: ['x'], path: 'inventories/x' },
      { args: ['./y', '--yaml'], path: './y' },
    ];
    for (const { args, path } of SITES)
      it(`kplay new ${args.join(' ')} && kplay run playbooks/ha-cluster.yml -i ${path} --syntax-check`, () => {
        const cwd = tmp();
        const made = kplay(cwd, 'new', ...args);
        expect(made.code, made.err).to.equal(0);
        expect(made.out).to.include(`made the site ${path}/`);
        const check = kplay(cwd, 'run', join(REPO, 'playbooks/ha-cluster.yml'), '-i', path, '--syntax-check');
        expect(check.code, check.err).to.equal(0);
        const graph = kplay(cwd, 'inventory', '-i', path, '--graph', 'kube_node');
        expect(graph.code, graph.err).to.equal(0);
        expect(graph.out).to.equal('@kube_node:\n  |--192.0.2.21\n  |--192.0.2.22\n');
        const list = JSON.parse(kplay(cwd, 'inventory', '-i', path, '--list').out);
        expect(Object.keys(list._meta.hostvars)).to.have.length(5);
        const again = kplay(cwd, 'new', ...args);
        expect(again.code).to.equal(1);
        expect(again.err).to.match(
          new RegExp(`^ERROR: the site folder ${path.replace('.', '\\.')} already exists and is not empty`),
        );
      });
  });
});
