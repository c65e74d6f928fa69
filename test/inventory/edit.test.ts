import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { addHost, removeHost } from '../../src/inventory/edit.js';
import { KplayError } from '../../src/core/errors.js';

const INI = [
  '# a site',
  '[kube_master]',
  '10.0.0.1 k8s_nodename=m1',
  '',
  '[kube_node]',
  '10.0.0.4 k8s_nodename=w1   # the first worker',
  '# a comment inside',
  "10.0.0.5 k8s_nodename='w2'",
  '',
  '# [optional] the next group',
  '[ex_lb]',
  '10.0.0.4 LB_ROLE=master',
  '',
  '[all:vars]',
  'SECURE_PORT="6443"',
  '',
].join('\n');

const YAML = [
  '# a YAML site',
  'all:',
  '  children:',
  '    kube_node:',
  '      hosts:',
  '        10.0.0.4: {k8s_nodename: w1}   # first',
  '        10.0.0.5:',
  '          k8s_nodename: w2',
  '    # empty group',
  '    harbor:',
  '    ex_lb:',
  '      hosts:',
  '        10.0.0.4:',
  '  vars:',
  '    a: 1',
  '',
].join('\n');

/** The lines a change adds (+) and takes (-), from a unified diff. */
function changes(before: string, after: string): string[] {
  return createTwoFilesPatch('a', 'b', before, after, '', '', { context: 0 })
    .split('\n')
    .slice(2)
    .filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---)/.test(l));
}

describe('inventory edits keep the rest of the file byte for byte', () => {
  const cases: { name: string; file: string; text: string; edit: (f: string, t: string) => string; want: string[] }[] =
    [
      {
        name: 'INI: a host goes after the last host line of its group (comments and blank lines kept)',
        file: 'hosts',
        text: INI,
        edit: (f, t) => addHost(f, t, 'kube_node', '10.0.0.6', ['k8s_nodename=w3']),
        want: ['+10.0.0.6 k8s_nodename=w3'],
      },
      {
        name: 'INI: a value with a space is quoted',
        file: 'hosts',
        text: INI,
        edit: (f, t) => addHost(f, t, 'kube_node', '10.0.0.6', ['note=a b']),
        want: ["+10.0.0.6 note='a b'"],
      },
      {
        name: 'INI: removing takes the host line out of that group only',
        file: 'hosts',
        text: INI,
        edit: (f, t) => removeHost(f, t, 'kube_node', '10.0.0.4'),
        want: ['-10.0.0.4 k8s_nodename=w1   # the first worker'],
      },
      {
        name: 'INI: an empty group gets its first host under the header',
        file: 'hosts',
        text: INI.replace('[ex_lb]\n10.0.0.4 LB_ROLE=master\n', '[ex_lb]\n'),
        edit: (f, t) => addHost(f, t, 'ex_lb', '10.0.0.9'),
        want: ['+10.0.0.9'],
      },
      {
        name: 'YAML: a host goes after the last host of the group, at its indentation, vars as a flow map',
        file: 'hosts.yml',
        text: YAML,
        edit: (f, t) => addHost(f, t, 'kube_node', '10.0.0.6', ['k8s_nodename=w3', 'port=22']),
        want: ['+        10.0.0.6: {k8s_nodename: w3, port: 22}'],
      },
      {
        name: 'YAML: removing a host with block vars takes all its lines',
        file: 'hosts.yml',
        text: YAML,
        edit: (f, t) => removeHost(f, t, 'kube_node', '10.0.0.5'),
        want: ['-        10.0.0.5:', '-          k8s_nodename: w2'],
      },
      {
        name: 'YAML: removing a host with a comment on its line',
        file: 'hosts.yml',
        text: YAML,
        edit: (f, t) => removeHost(f, t, 'kube_node', '10.0.0.4'),
        want: ['-        10.0.0.4: {k8s_nodename: w1}   # first'],
      },
      {
        name: 'YAML: a group with no hosts key gets one',
        file: 'hosts.yml',
        text: YAML,
        edit: (f, t) => addHost(f, t, 'harbor', '10.0.0.7'),
        want: ['+      hosts:', '+        10.0.0.7:'],
      },
    ];
  for (const c of cases)
    it(c.name, () => {
      const after = c.edit(c.file, c.text);
      expect(changes(c.text, after)).to.deep.equal(c.want);
    });

  it('the example sites: a worker removed then added back leaves the group as it was, the rest untouched', () => {
    for (const [file, host, vars] of [
      ['inventories/example/hosts', '192.168.56.15', ['k8s_nodename=worker-02']],
      ['inventories/example-yaml/hosts.yml', '192.168.56.15', ['k8s_nodename=worker-02']],
    ] as const) {
      const text = readFileSync(file, 'utf8');
      const gone = removeHost(file, text, 'kube_node', host);
      expect(changes(text, gone), file).to.have.length(1);
      expect(addHost(file, gone, 'kube_node', host, [...vars]).replace("'worker-02'", 'worker-02'), file).to.equal(
        text.replace("'worker-02'", 'worker-02'),
      );
    }
  });

  const refusals: { name: string; file: string; text: string; edit: (f: string, t: string) => string; msg: RegExp }[] =
    [
      {
        name: 'INI: a host already in the group',
        file: 'hosts',
        text: INI,
        edit: (f, t) => addHost(f, t, 'kube_node', '10.0.0.5'),
        msg: /10\.0\.0\.5 is already in \[kube_node\]/,
      },
      {
        name: 'INI: no such group',
        file: 'hosts',
        text: INI,
        edit: (f, t) => addHost(f, t, 'kube_nodes', '10.0.0.6'),
        msg: /has no \[kube_nodes\] section/,
      },
      {
        name: 'INI: removing a host not in the group',
        file: 'hosts',
        text: INI,
        edit: (f, t) => removeHost(f, t, 'kube_node', '10.0.0.1'),
        msg: /10\.0\.0\.1 is not in \[kube_node\]/,
      },
      {
        name: 'YAML: a host already in the group',
        file: 'hosts.yml',
        text: YAML,
        edit: (f, t) => addHost(f, t, 'kube_node', '10.0.0.4'),
        msg: /already in kube_node/,
      },
      {
        name: 'a variable word without =',
        file: 'hosts',
        text: INI,
        edit: (f, t) => addHost(f, t, 'kube_node', '10.0.0.6', ['k8s_nodename']),
        msg: /KEY=VALUE/,
      },
    ];
  for (const c of refusals)
    it(`refused: ${c.name}`, () => {
      expect(() => c.edit(c.file, c.text))
        .to.throw(KplayError)
        .with.property('message')
        .that.matches(c.msg);
    });
});
