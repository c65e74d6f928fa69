// Every module of the registry, walked generically with its sample (test/tasks/samples.ts):
// (a) planning never changes the host (in check mode and in a real run: a plan only reads),
// (b) applying the plan and planning again leaves nothing to do (except `converges: false` modules and
//     changes marked `repeats`),
// (c) bad arguments (an unknown name, a wrong type) are reported before any connection, with code BAD_ARGS
//     and the file, line and column of the offending argument, by readPlaybook + validatePlaybook.
// Controller-only modules (debug, set_fact, assert, ...) have no plan: only (c) applies to them.
// A module without a sample fails here: add one to samples.ts.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { checkArgs } from '../../src/playbook/module-args.js';
import { Problems } from '../../src/core/errors.js';
import { readPlaybook } from '../../src/playbook/playbook.js';
import { validatePlaybook } from '../../src/check/validate.js';
import type { Vars } from '../../src/tasks/contract.js';
import { isTaskModule } from '../../src/tasks/contract.js';
import { builtins } from '../../src/tasks/index.js';
import type { ModuleSpec } from '../../src/tasks/contract.js';
import { hostView, planOn } from '../support/plan-harness.js';
import { samples } from './samples.js';

const modules: ModuleSpec[] = builtins.all();
const WRONG = { wrong: 'type' };

describe('module registry: every module has a sample', () => {
  it('the registry and the samples name the same modules', () => {
    const names = modules.map((m) => m.name);
    expect(
      names.filter((n) => !(n in samples)),
      'modules without a sample in test/tasks/samples.ts',
    ).to.deep.equal([]);
    expect(
      Object.keys(samples).filter((n) => !names.includes(n)),
      'samples of no module',
    ).to.deep.equal([]);
  });
  it('controller-only modules are the expected ones', () => {
    expect(
      modules
        .filter((m) => m.controllerOnly)
        .map((m) => m.name)
        .sort(),
    ).to.deep.equal(['add_host', 'assert', 'debug', 'fail', 'group_by', 'include_vars', 'meta', 'pause', 'set_fact']);
    for (const m of modules) expect(isTaskModule(m), `${m.name}: a host module has a plan`).to.equal(!m.controllerOnly);
  });
});

describe('module registry: plan reads only, apply converges', () => {
  for (const mod of modules) {
    if (mod.controllerOnly) continue;
    it(mod.name, async () => {
      const s = samples[mod.name];
      expect(s, `no sample for ${mod.name}`).to.not.equal(undefined);
      expect(s!.host, `${mod.name}: a host module's sample needs a host`).to.be.a('function');
      if (!isTaskModule(mod)) throw new Error(`${mod.name} has no plan`);
      const host = s!.host!();
      const view = s!.view?.() ?? hostView();
      // (a) check mode: planning only (planOn fails if the snapshot of the fake changed)
      const checked = await planOn(mod, s!.args, host, { ...view, check: true });
      const first = await planOn(mod, s!.args, host, view);
      if (s!.readOnly) expect(first.changes, `${mod.name}: a read-only sample`).to.deep.equal([]);
      else expect(first.changes.length, `${mod.name}: the sample should plan a change`).to.be.greaterThan(0);
      expect(
        checked.changes.map((c) => c.summary),
        'check mode predicts the same changes',
      ).to.deep.equal(first.changes.map((c) => c.summary));
      // (b) apply, plan again
      const before = host.snapshot();
      host.apply(first.changes);
      if (!s!.readOnly && mod.converges !== false)
        expect(host.snapshot(), `${mod.name}: applying the plan changes the host`).to.not.equal(before);
      const again = await planOn(mod, s!.args, host, view);
      if (mod.converges === false) return;
      expect(
        again.changes.filter((c) => !c.repeats).map((c) => c.summary),
        `${mod.name}: second plan after apply`,
      ).to.deep.equal([]);
    });
  }
});

/** The argument given a wrong type: one of the sample's that rejects a mapping, else one outside any
 * exclusive/one-of group. */
function wrongTypeArg(mod: ModuleSpec, args: Vars): string | undefined {
  const rejects = (n: string) => !(mod.args[n] as z.ZodType).safeParse(WRONG).success;
  const canon = (k: string) => mod.argAliases?.[k] ?? k;
  const given = Object.keys(args).find((k) => canon(k) in mod.args && rejects(canon(k)));
  if (given) return given;
  const grouped = new Set([...(mod.mutuallyExclusive ?? []), ...(mod.requiredOneOf ?? [])].flat());
  return Object.keys(mod.args).find((n) => rejects(n) && !grouped.has(n));
}

/** Modules whose every argument takes any type (fail's msg is any value, as in Ansible), or that take none
 *  (service_facts): no wrong type to give. */
const ANY_TYPE = ['fail', 'service_facts'];

interface Planted {
  file: string;
  unknown: { line: number; col: number };
  wrong: { arg: string; line: number; col: number } | undefined;
}

/** A playbook with two tasks of the module: one with an unknown argument, one with a wrongly typed one. */
function writePlaybook(mod: ModuleSpec, args: Vars): Planted {
  const dir = mkdtempSync(join(tmpdir(), `kplay-badargs-${mod.name}-`));
  for (const f of ['templates/app.conf.j2', 'files/bundle.tgz', 'files/prep.sh', 'vars/extra.yml']) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), f.endsWith('.yml') ? 'a: 1\n' : 'x\n');
  }
  const lines = ['- hosts: all', '  gather_facts: no', '  tasks:'];
  const wrongArg = wrongTypeArg(mod, args);
  let unknown = { line: 0, col: 0 };
  let wrong: Planted['wrong'];
  const task = (name: string, a: Vars, mark: (k: string, line: number, col: number) => void) => {
    lines.push(`    - name: ${name}`);
    // a free-form string stays inline (`meta: flush_handlers`, other args under `args:`) unless it is the wrong one
    const { _raw_params: raw, ...rest } = typeof a._raw_params === 'string' ? a : { ...a, _raw_params: undefined };
    if (typeof a._raw_params !== 'string' && a._raw_params !== undefined) rest._raw_params = a._raw_params;
    const indent = '        ';
    if (raw !== undefined) {
      lines.push(`      ${mod.name}: ${JSON.stringify(raw)}`);
      lines.push('      args:');
    } else lines.push(`      ${mod.name}:`);
    for (const [k, v] of Object.entries(rest)) {
      lines.push(`${indent}${k}: ${JSON.stringify(v)}`);
      mark(k, lines.length, indent.length + 1);
    }
  };
  task('an unknown argument', { ...args, bogus_arg: 1 }, (k, line, col) => {
    if (k === 'bogus_arg') unknown = { line, col };
  });
  if (wrongArg !== undefined) {
    task('a wrong type', { ...args, [wrongArg]: WRONG }, (k, line, col) => {
      if (k === wrongArg) wrong = { arg: wrongArg, line, col: col + k.length + 2 };
    });
  }
  const file = join(dir, 'site.yml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, unknown, wrong };
}

describe('module registry: bad arguments are positioned errors before any connection', () => {
  for (const mod of modules) {
    it(mod.name, () => {
      const s = samples[mod.name];
      expect(s, `no sample for ${mod.name}`).to.not.equal(undefined);
      const p = writePlaybook(mod, s!.args);
      const problems = new Problems();
      validatePlaybook(readPlaybook(p.file, problems), problems);
      const got = problems.list.map((e) => ({
        code: e.code,
        file: e.loc?.file,
        line: e.loc?.line,
        col: e.loc?.col,
        message: e.message,
      }));
      const expected: { code: string; file: string; line: number; col: number }[] = [];
      // set_fact: any name is a fact's name
      if (!mod.anyArgs) expected.push({ code: 'BAD_ARGS', file: p.file, ...p.unknown });
      if (p.wrong) expected.push({ code: 'BAD_ARGS', file: p.file, line: p.wrong.line, col: p.wrong.col });
      else expect(ANY_TYPE, `${mod.name}: no argument of it rejects a mapping`).to.include(mod.name);
      expect(
        got.map(({ message: _m, ...rest }) => rest),
        JSON.stringify(got, null, 1),
      ).to.deep.equal(expected);
      if (!mod.anyArgs) expect(got[0]!.message).to.include(`${mod.name}: unsupported argument 'bogus_arg'`);
      if (p.wrong) expect(got.at(-1)!.message).to.include(`argument '${p.wrong.arg}'`);
    });
  }
});

// Issue 11: `copy: {src: ''}` copied the controller's working folder. Every argument that names a path,
// in every module, refuses an empty value before anything is sent (a template that rendered empty included).
const PATH_ARGS = new Set([
  'src',
  'dest',
  'path',
  'chdir',
  'creates',
  'removes',
  'file',
  'dir',
  'keyring',
  'fstab',
  'sysctl_file',
  'configfile',
  'tmp_dest',
  'ca_path',
  'client_cert',
  'client_key',
  'unix_socket',
  'executable',
  'home',
  'deb',
  'cert',
  'key',
]);

describe('module registry: an empty path is refused', () => {
  for (const mod of modules) {
    // `key` names a group (group_by), an SSH key (known_hosts, authorized_key), an entry (getent): not paths;
    // include_vars' file or dir given '' (a lookup that found nothing) fails when it runs, as in Ansible
    const names = Object.keys(mod.args).filter(
      (a) =>
        PATH_ARGS.has(a) &&
        !(['group_by', 'known_hosts', 'authorized_key', 'getent'].includes(mod.name) && a === 'key') &&
        mod.name !== 'include_vars',
    );
    for (const a of names) {
      it(`${mod.name}: ${a}: ''`, () => {
        const r = checkArgs(
          mod,
          { ...(samples[mod.name]?.args ?? {}), [a]: '' },
          { locOf: () => undefined, taskLoc: undefined, task: 't', host: 'h' },
          true,
        );
        // a module may add its own words after these (copy: Ansible's 'src (or content) is required')
        const want = `${mod.name}: argument '${a}': must not be empty: it names a path`;
        expect(
          r.errors.map((e) => e.message).filter((m) => m.startsWith(want) && m.endsWith('(got "")')),
        ).to.have.length(1);
      });
    }
  }
  it('covers the modules that write files (copy, template, file, lineinfile, command, unarchive ...)', () => {
    const covered = modules.filter((m) => Object.keys(m.args).some((a) => PATH_ARGS.has(a))).map((m) => m.name);
    expect(covered).to.include.members([
      'copy',
      'template',
      'file',
      'lineinfile',
      'blockinfile',
      'replace',
      'command',
      'shell',
      'script',
      'unarchive',
      'get_url',
      'fetch',
      'stat',
      'slurp',
    ]);
  });
});
