// Ansible's loop keywords, kplay against Debian's ansible-playbook, on the controller: each looped debug task's
// messages, item by item, must be the same (with_together, with_nested, with_sequence, with_subelements,
// with_flattened, with_indexed_items, with_dict, loop_control's index_var, extended and loop_var).
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../support/play-harness.js';
import { ansiblePlaybook } from './ansible.js';

const PLAYBOOK = `- hosts: web
  gather_facts: no
  vars:
    users:
      - { name: ann, keys: [k1, k2] }
      - { name: bob, keys: [k3] }
    ports: { http: 80, https: 443 }
  tasks:
    - name: together
      debug: msg="{{ item.0 }}-{{ item.1 }}"
      with_together: [[1, 2, 3], [a, b]]
    - name: nested
      debug: msg="{{ item.0 }}{{ item.1 }}"
      with_nested: [[1, 2], [x, y]]
    - name: sequence
      debug: msg="{{ item }}"
      with_sequence: start=1 end=7 stride=3 format=n%02d
    - name: subelements
      debug: msg="{{ item.0.name }}:{{ item.1 }}"
      with_subelements: [ "{{ users }}", keys ]
    - name: flattened
      debug: msg="{{ item }}"
      with_flattened: [[1, [2, 3]], 4]
    - name: indexed
      debug: msg="{{ item.0 }}={{ item.1 }}"
      with_indexed_items: [a, b]
    - name: dict
      debug: msg="{{ item.key }}/{{ item.value }}"
      with_dict: "{{ ports }}"
    - name: extended
      debug:
        msg: "{{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.first }}
          {{ ansible_loop.revindex0 }} {{ i }} {{ u }}"
      loop: [p, q, r]
      loop_control: { extended: true, index_var: i, loop_var: u }
`;

type Msgs = Record<string, string[]>;

interface AnsibleJson {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { results?: { msg?: unknown }[] }> }[] }[];
}

async function ansible(): Promise<Msgs> {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-parity-loops-'));
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  writeFileSync(join(dir, 'inv'), '[web]\na ansible_connection=local\n');
  const r = await ansiblePlaybook(['-i', 'inv', 'site.yml'], dir);
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as AnsibleJson;
  const msgs: Msgs = {};
  for (const t of out.plays.flatMap((p) => p.tasks))
    msgs[t.task.name] = (t.hosts.a?.results ?? []).map((x) => String(x.msg));
  return msgs;
}

describe('parity: loops, on the controller', () => {
  it("each looped task's messages, item by item, are Ansible's", async function () {
    this.timeout(120_000);
    const k = await run(PLAYBOOK, { inv: 'all:\n  children:\n    web:\n      hosts:\n        a: {}\n' });
    const kplay: Msgs = {};
    for (const r of k.results.filter((x) => x.host === 'a'))
      kplay[String(r.task)] = ((r.result?.results as { msg?: unknown }[] | undefined) ?? []).map((x) => String(x.msg));
    const a = await ansible();
    expect(Object.keys(a)).to.have.length(8);
    expect(kplay).to.deep.equal(a);
  });
});
