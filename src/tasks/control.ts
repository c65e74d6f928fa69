// Modules that run on the controller and shape the run: debug, set_fact, assert, fail, pause, meta (and
// include_vars, in include-vars.ts). Each answers with data (ControllerResult): the engine sets the facts.
import { z } from 'zod';
import { isUncertain } from '../core/uncertain.js';
import type { ControllerResult } from './contract.js';
import { abool, aint, astr, choice, defineController, withForm } from './lib/schema.js';

const failed = (msg: string): ControllerResult => ({ status: 'failed', msg, result: { failed: true, msg } });

export const debug = defineController({
  name: 'debug',
  description: 'Print a message or the value of a variable.',
  args: { msg: z.unknown(), var: astr(), verbosity: aint().default(0) },
  mutuallyExclusive: [['msg', 'var']],
  exprArgs: ['var'],
  example: '- debug: msg="etcd members: {{ join groups.etcd \',\' }}"',
  async runOnController({ args: a, value: evaluate }) {
    if (typeof a.var === 'string') {
      let value: unknown;
      try {
        value = evaluate(a.var);
      } catch (e) {
        // as Ansible: only what is undefined prints so; a filter, test or lookup that fails fails the task
        const m = (e as Error).message;
        if (/\b(filter|test|lookup) '[^']+': /.test(m)) return failed(m);
        value = 'VARIABLE IS NOT DEFINED!';
      }
      if (isUncertain(value))
        return { status: 'uncertain', msg: `${a.var} is known only after a real run`, result: { [a.var]: value } };
      return { status: 'ok', result: { [a.var]: value, changed: false }, show: { [a.var]: value } };
    }
    const msg = a.msg ?? 'Hello world!';
    return { status: 'ok', result: { msg, changed: false }, show: { msg } };
  },
});

export const set_fact = defineController({
  name: 'set_fact',
  description: 'Set host variables for the rest of the run (above play and task vars, below -e).',
  anyArgs: true,
  args: { cacheable: abool().default(false) },
  varsSet: (args) => Object.keys(args).filter((k) => k !== 'cacheable'),
  example: '- set_fact: etcd_initial_cluster="{{ ... }}"',
  async runOnController({ raw }) {
    const facts = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'cacheable'));
    return { status: 'ok', result: { ansible_facts: facts, changed: false }, facts };
  },
});

export const assert = defineController({
  name: 'assert',
  description: 'Fail the host unless every condition holds.',
  args: {
    // one condition, commas and all (`x == [1, 2]`), or a list: never split on commas as a list argument is; an
    // empty item (`-` alone, or '') holds, as in Ansible
    that: withForm(
      z.preprocess(
        (v) => (Array.isArray(v) ? v : [v]).map((c) => (c === null || c === '' ? true : c)),
        z.array(z.union([astr(), z.boolean()])),
      ),
      'one-or-list',
    ),
    fail_msg: z.unknown(),
    success_msg: z.unknown(),
    quiet: abool().default(false),
  },
  argAliases: { msg: 'fail_msg' },
  required: ['that'],
  exprArgs: ['that'],
  example: "- assert:\n    that: groups['etcd'] | length is odd",
  async runOnController({ args: a, test, argLoc }) {
    for (const [i, c] of (a.that as (string | boolean)[]).entries()) {
      if (!test(c, argLoc('that', i))) {
        const msg = String(a.fail_msg ?? 'Assertion failed');
        return { status: 'failed', msg, result: { failed: true, assertion: c, evaluated_to: false, msg } };
      }
    }
    return { status: 'ok', result: { changed: false, msg: String(a.success_msg ?? 'All assertions passed') } };
  },
});

export const fail = defineController({
  name: 'fail',
  description: 'Fail the host with a message.',
  args: { msg: z.unknown() },
  example: '- fail: msg="unsupported OS"\n  when: ansible_os_family != "Debian"',
  async runOnController({ args: a }) {
    return failed(String(a.msg ?? 'Failed as requested from task'));
  },
});

export const META_ACTIONS = [
  'flush_handlers',
  'refresh_inventory',
  'noop',
  'clear_facts',
  'clear_host_errors',
  'end_play',
  'end_host',
  'end_batch',
  'reset_connection',
] as const;

export const meta = defineController({
  name: 'meta',
  description: 'Act on the run itself: flush_handlers, end_play, end_host, end_batch, clear_host_errors, ...',
  freeForm: true,
  args: { _raw_params: choice(META_ACTIONS) },
  required: ['_raw_params'],
  example: '- meta: flush_handlers',
  async runOnController({ args: a }) {
    return { status: 'skipped', meta: String(a._raw_params), result: { changed: false, skipped: true } };
  },
});

export const pause = defineController({
  name: 'pause',
  description: 'Wait a number of seconds or minutes (kplay runs unattended: a prompt without a time is refused).',
  args: { seconds: aint(), minutes: aint(), prompt: astr(), echo: abool().default(true) },
  mutuallyExclusive: [['seconds', 'minutes']],
  requiredOneOf: [['seconds', 'minutes']],
  example: '- pause: seconds=10',
  async runOnController({ args: a, check }) {
    if (a.prompt !== undefined && a.seconds === undefined && a.minutes === undefined)
      return failed('pause with a prompt waits for a person; kplay runs unattended');
    const ms = (Number(a.seconds ?? 0) + Number(a.minutes ?? 0) * 60) * 1000;
    if (!check) await new Promise((r) => setTimeout(r, ms));
    return { status: 'ok', result: { changed: false, delta: ms / 1000, echo: a.echo } };
  },
});
