// The prepare role's container rule (playbooks/roles/prepare: host_is_container in defaults/main.yml, the
// note in tasks/container-note.yml), run as a play over hosts whose virtualization facts are host variables:
// which hosts count as containers, the line the role prints for them, and the site's switches overriding it.
import { expect } from 'chai';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../support/play-harness.js';

type Facts = Record<string, unknown>;
const virt = (type: string, role: string, guest: string[]): Facts => ({
  ansible_virtualization_type: type,
  ansible_virtualization_role: role,
  ansible_virtualization_tech_guest: guest,
});

// name, facts (as src/transport/facts-platform.ts gives them), a container?, the kind the note names;
// nspawn-no-environ: PID 1's environment unreadable (not root), the type comes from /run/systemd/container
const CASES: [string, Facts, boolean, string?][] = [
  ['nspawn', virt('container', 'guest', ['container', 'systemd-nspawn']), true, 'systemd-nspawn'],
  ['nspawn-no-environ', virt('systemd-nspawn', 'guest', ['systemd-nspawn', 'container']), true, 'systemd-nspawn'],
  ['docker', virt('docker', 'guest', ['docker', 'container']), true, 'docker'],
  ['podman', virt('podman', 'guest', ['podman', 'container']), true, 'podman'],
  ['lxc', virt('lxc', 'guest', ['lxc', 'container']), true, 'lxc'],
  ['containerd', virt('containerd', 'guest', ['containerd', 'container']), true, 'containerd'],
  ['openvz-guest', virt('openvz', 'guest', ['openvz', 'container']), true, 'openvz'],
  ['other-container', virt('container', 'guest', ['container']), true, 'container'],
  ['openvz-host', virt('openvz', 'host', []), false],
  ['kvm', virt('kvm', 'guest', ['kvm']), false],
  ['vmware', virt('VMware', 'guest', ['VMware']), false],
  ['wsl', virt('wsl', 'guest', ['wsl', 'container']), false],
  ['metal', virt('NA', 'NA', []), false],
  ['no-facts', {}, false],
];

const NOTE = 'prepare : Say what this host gets as a container';
const SHARED = '7 kernel settings outside net.* written to /etc/sysctl.d/95-k8s-sysctl.conf only (not set live)';
const CLOCK = 'chronyd runs without clock control (-x)';
const TAIL = 'set prepare_sysctl_ignoreerrors / chrony_no_clock_control to change this';

/** Runs the rule and the note over `hosts` (name → host variables); answers each host's verdict and note. */
async function rule(hosts: Record<string, Facts>, chrony: string[]) {
  const inv = {
    all: {
      children: {
        web: { hosts: hosts },
        ...(chrony.length ? { chrony: { hosts: Object.fromEntries(chrony.map((h) => [h, null])) } } : {}),
      },
    },
  };
  const playbook =
    '- hosts: web\n  gather_facts: no\n  tasks:\n' +
    '    - include_role: {name: prepare, tasks_from: container-note}\n' +
    '    - debug: {msg: "{{ host_is_container | bool }}"}\n';
  const old = process.env.ANSIBLE_ROLES_PATH;
  process.env.ANSIBLE_ROLES_PATH = resolve('playbooks/roles');
  try {
    const r = await run(playbook, { inv: stringify(inv) });
    const of = (task: string, h: string) => r.results.find((e) => e.host === h && e.task === task);
    return Object.fromEntries(
      Object.keys(hosts).map((h) => {
        const note = of(NOTE, h);
        const shown = note && note.status !== 'skipped' ? note.result?.msg : undefined;
        return [h, { container: of('debug', h)?.result?.msg, note: shown }];
      }),
    );
  } finally {
    if (old === undefined) delete process.env.ANSIBLE_ROLES_PATH;
    else process.env.ANSIBLE_ROLES_PATH = old;
  }
}

describe('role prepare: the container rule (host_is_container) and its note', () => {
  it('containers by their virtualization facts; VMs, wsl, an openvz host and bare metal are not', async () => {
    const got = await rule(Object.fromEntries(CASES.map(([n, f]) => [n, f])), ['nspawn']);
    for (const [name, , container, kind] of CASES) {
      expect(got[name]!.container, name).to.equal(container);
      expect(got[name]!.note, name).to.equal(
        container ? `${name} is a ${kind} container: ${SHARED}, ${CLOCK}; ${TAIL}` : undefined,
      );
    }
  });

  it('the switches override the rule either way; no chrony group, no word of chronyd', async () => {
    const nspawn = CASES[0]![1];
    const got = await rule(
      {
        strict: { ...nspawn, prepare_sysctl_ignoreerrors: false },
        clock: { ...nspawn, chrony_no_clock_control: false },
        neither: { ...nspawn, prepare_sysctl_ignoreerrors: false, chrony_no_clock_control: false },
        forced: { ...virt('kvm', 'guest', ['kvm']), prepare_sysctl_ignoreerrors: true, chrony_no_clock_control: true },
      },
      ['clock'],
    );
    expect(got).to.deep.equal({
      strict: { container: true, note: `strict is a systemd-nspawn container: ${CLOCK}; ${TAIL}` },
      clock: { container: true, note: `clock is a systemd-nspawn container: ${SHARED}; ${TAIL}` },
      neither: { container: true, note: undefined },
      forced: { container: false, note: `forced is not a container: ${SHARED}, ${CLOCK}; ${TAIL}` },
    });
    const none = await rule({ alone: nspawn }, []);
    expect(none).to.deep.equal({
      alone: { container: true, note: `alone is a systemd-nspawn container: ${SHARED}; ${TAIL}` },
    });
  });
});
