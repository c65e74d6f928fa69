// Keywords and plays, kplay against Debian's ansible-playbook, on the controller (the tasks run there: debug,
// assert, fail, add_host, group_by; two inventory hosts with a local connection): force_handlers, a templated
// handler name, ignore_errors over an undefined variable, rescue's ansible_failed_task/result, `vars:` as a
// list, include_tasks file=, add_host and group_by seen by a later play, until/retries counted as Ansible counts.
// Each task's status on each host must be the same; the differences kplay makes on purpose
// (docs/ansible-differences.md) are asserted as such.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../support/play-harness.js';
import { ansiblePlaybook } from './ansible.js';

const PLAYBOOK = `- hosts: web
  gather_facts: no
  force_handlers: true
  vars:
    - svc: nginx
    - which: inc
  tasks:
    - name: notify
      debug: msg=x
      changed_when: true
      notify: restart nginx
    - name: undefined ignored
      debug: msg="{{ nope }}"
      ignore_errors: true
    - name: until, retries not given
      debug: msg=x
      register: w
      until: w.attempts >= 3
      delay: 0
    - name: until met at the second attempt
      debug: msg=x
      register: w2
      until: w2.attempts >= 2
      retries: 5
      delay: 0
    - name: attempts counted
      assert: { that: ['w.attempts == 3', 'w2.attempts == 2'] }
    - name: retries 0 runs once
      debug: msg=x
      until: false
      retries: 0
    - block:
        - name: fails
          fail: msg=boom
          when: inventory_hostname == 'a'
      rescue:
        - name: rescued
          assert: { that: ['ansible_failed_task.name == "fails"', 'ansible_failed_result.msg == "boom"'] }
    - include_tasks: file={{ which }}.yml
    - name: b fails
      fail: msg=no
      when: inventory_hostname == 'b'
  handlers:
    - name: "restart {{ svc }}"
      debug: msg=handled
- hosts: web
  gather_facts: no
  tasks:
    - name: add
      add_host: { name: extra, groups: [added], ansible_connection: local }
    - name: group
      group_by: { key: "g_{{ inventory_hostname }}" }
- hosts: added:g_a
  gather_facts: no
  tasks:
    - name: later
      debug: msg=x
`;
const INC = '- name: included\n  debug: msg=x\n';

interface AnsibleJson {
  plays: {
    tasks: {
      task: { name: string };
      hosts: Record<string, { changed?: boolean; failed?: boolean; skipped?: boolean }>;
    }[];
  }[];
}

async function ansible(playbook = PLAYBOOK): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-parity-kw-'));
  writeFileSync(join(dir, 'site.yml'), playbook);
  writeFileSync(join(dir, 'inc.yml'), INC);
  writeFileSync(join(dir, 'inv'), '[web]\na ansible_connection=local\nb ansible_connection=local\n');
  const r = await ansiblePlaybook(['-i', 'inv', 'site.yml'], dir);
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as AnsibleJson;
  return out.plays
    .flatMap((p) => p.tasks)
    .filter((t) => t.task.name !== 'include_tasks') // kplay reports the included tasks, not the include
    .flatMap((t) =>
      Object.entries(t.hosts).map(([h, x]) => {
        const status = x.failed ? 'failed' : x.skipped ? 'skipped' : x.changed ? 'changed' : 'ok';
        return `${t.task.name}|${h}|${status}`;
      }),
    );
}

describe('parity: keywords and plays, on the controller', () => {
  it('each task ends the same on each host; the differences are the documented ones', async function () {
    this.timeout(120_000);
    const inv = 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n        b: {}\n';
    const k = await run(PLAYBOOK, { inv, files: { 'inc.yml': INC } });
    const kplay = k.lines.map((l) =>
      l
        // difference: kplay shows a task's name as written; Ansible renders a handler's templated name
        .replace(/^restart \{\{ svc \}\}\|/, 'restart nginx|')
        // difference: kplay reports an ignored failure as `ignored`; Ansible's JSON says `failed`
        .replace(/\|ignored$/, '|failed'),
    );
    expect(k.lines).to.include.members(['restart {{ svc }}|a|ok', 'undefined ignored|a|ignored']);
    const a = await ansible();
    expect(kplay).to.have.members(a);
    expect(kplay).to.have.length(a.length);
    // both fail the run: b failed (force_handlers ran its handler, it stays failed)
    expect(k.code).to.equal(2);
  });
});

// When a playbook stops: a batch whose every host failed, a failure under any_errors_fatal, or max_fail_percentage
// exceeded end the whole playbook in Ansible (no later play runs, on any host); one host of two failing does not.
const LATER = '- hosts: web\n  gather_facts: no\n  tasks:\n    - name: later\n      debug: msg=x\n';
const first = (hosts: string, keywords: string, when: string) =>
  `- hosts: ${hosts}\n  gather_facts: no\n${keywords}  tasks:\n    - name: refuse\n      fail: msg=no\n` +
  `      when: ${when}\n${LATER}`;
const ENDINGS: { name: string; playbook: string; lines: string[] }[] = [
  {
    name: 'every host of a play failed: no later play runs',
    playbook: first('a', '', 'true'),
    lines: ['refuse|a|failed'],
  },
  {
    name: 'one host of two failed: the other goes on',
    playbook: first('web', '', "inventory_hostname == 'b'"),
    lines: ['refuse|a|skipped', 'refuse|b|failed', 'later|a|ok'],
  },
  {
    name: 'any_errors_fatal: one failure ends the playbook',
    playbook: first('web', '  any_errors_fatal: true\n', "inventory_hostname == 'b'"),
    lines: ['refuse|a|skipped', 'refuse|b|failed'],
  },
  {
    name: 'max_fail_percentage exceeded ends the playbook',
    playbook: first('web', '  max_fail_percentage: 10\n', "inventory_hostname == 'b'"),
    lines: ['refuse|a|skipped', 'refuse|b|failed'],
  },
];

describe('parity: when a playbook stops after failures', () => {
  const inv = 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n        b: {}\n';
  for (const c of ENDINGS)
    it(c.name, async function () {
      this.timeout(60_000);
      const k = await run(c.playbook, { inv });
      expect(k.lines).to.have.members(c.lines);
      expect(await ansible(c.playbook)).to.have.members(c.lines);
      expect(k.code).to.equal(2);
    });
});

// serial: a percentage rounds down but never below one host; a templated value is rendered from the play's vars.
const batchOfOne = (serial: string) =>
  `- hosts: web\n  gather_facts: no\n  vars: { n: 1 }\n  serial: "${serial}"\n  tasks:\n` +
  '    - name: one host a batch\n      fail: msg=batch\n' +
  '      when: ansible_play_batch | length != 1 or ansible_play_hosts | length != 2\n';
describe('parity: serial batches', () => {
  const inv = 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n        b: {}\n';
  for (const serial of ['20%', '{{ n }}'])
    it(`serial: "${serial}" on two hosts runs them one at a time`, async function () {
      this.timeout(60_000);
      const lines = ['one host a batch|a|skipped', 'one host a batch|b|skipped'];
      const k = await run(batchOfOne(serial), { inv });
      expect(k.lines).to.have.members(lines);
      expect(await ansible(batchOfOne(serial))).to.have.members(lines);
    });
});

// A playbook value's `{{ }}` takes string literals as written (Ansible doubles their backslashes before Jinja
// reads them): '\\1' is a back-reference, "a\tb" four characters, also in a value with {% %} (a {% set %} reads
// the escapes); a condition reads Python's escapes.
const BACKSLASHES = `- hosts: web
  gather_facts: no
  tasks:
    - name: values
      set_fact:
        ref: "{{ 'x1' | regex_replace('x(\\\\d)', '\\\\1') }}"
        tab: '{{ "a\\tb" }}'
        in_if: '{% if true %}{{ "a\\tb" }}{% endif %}'
        in_set: '{% set y = "a\\tb" %}{{ y }}'
    - name: as written
      assert:
        that:
          - ref == '1'
          - tab | length == 4
          - in_if | length == 4
          - in_set | length == 3
          - "'a\\\\tb' | length == 3"
`;
describe('parity: backslashes in a value', () => {
  it('\'\\\\1\' in regex_replace is a back-reference; "\\t" in {{ }} is a backslash and a t', async function () {
    this.timeout(60_000);
    const inv = 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n';
    const lines = ['values|a|ok', 'as written|a|ok', 'values|b|ok', 'as written|b|ok'];
    const k = await run(BACKSLASHES, { inv });
    expect(k.lines).to.have.members(lines.slice(0, 2));
    expect(await ansible(BACKSLASHES)).to.have.members(lines);
  });
});

// ansible_play_hosts_all: every host of the play, a failed one included; ansible_play_hosts and ansible_play_batch
// leave it out.
const playHostsAll =
  '- hosts: web\n  gather_facts: no\n  tasks:\n    - name: one down\n      fail: msg=down\n' +
  "      when: inventory_hostname == 'a'\n    - name: the play's hosts\n      fail: msg=wrong\n" +
  "      when: ansible_play_hosts_all != ['a', 'b'] or ansible_play_hosts != ['b'] or ansible_play_batch != ['b']\n";
describe('parity: the play hosts variables', () => {
  const inv = 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n        b: {}\n';
  it('ansible_play_hosts_all keeps a failed host, ansible_play_hosts and ansible_play_batch do not', async function () {
    this.timeout(60_000);
    const lines = ['one down|a|failed', 'one down|b|skipped', "the play's hosts|b|skipped"];
    expect((await run(playHostsAll, { inv })).lines).to.have.members(lines);
    expect(await ansible(playHostsAll)).to.have.members(lines);
  });
});
