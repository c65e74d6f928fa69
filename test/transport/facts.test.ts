// Parsing the fact script's output: captured from a Debian 12 lab host (with a VIP as a second address),
// a Rocky-like host, and a cut-short output. The script itself is checked by a real local sh.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FACTS_SCRIPT, parseFacts } from '../../src/transport/facts.js';

describe('transport/facts', () => {
  it('reads a Debian 12 host', () => {
    const f = parseFacts(readFileSync('test/fixtures/transport/facts-debian12.txt', 'utf8'));
    expect(f).to.deep.include({
      ansible_os_family: 'Debian',
      ansible_distribution: 'Debian',
      ansible_distribution_version: '12.15',
      ansible_distribution_major_version: '12',
      ansible_distribution_release: 'bookworm',
      ansible_system: 'Linux',
      ansible_kernel: '6.18.44-fc-v669',
      ansible_architecture: 'x86_64',
      ansible_machine_id: 'a8e86391b0810326a1f3a25bca14a35b',
      ansible_hostname: 'ktr1',
      ansible_nodename: 'ktr1',
      ansible_fqdn: 'ktr1',
      ansible_service_mgr: 'systemd',
      ansible_pkg_mgr: 'apt',
      ansible_processor_vcpus: 2,
      ansible_memtotal_mb: 24105,
      ansible_swaptotal_mb: 0,
      ansible_selinux: { status: 'disabled' },
      ansible_interfaces: ['eth0', 'lo'],
      ansible_all_ipv4_addresses: ['10.76.0.11', '10.76.0.10'],
    });
    expect(f.ansible_default_ipv4).to.deep.equal({
      interface: 'eth0',
      address: '10.76.0.11',
      gateway: '10.76.0.254',
      netmask: '255.255.255.0',
      network: '10.76.0.0',
      prefix: '24',
      macaddress: '8a:93:ce:36:23:7f',
      mtu: 1500,
    });
    expect(f.ansible_eth0).to.deep.equal({
      device: 'eth0',
      active: true,
      macaddress: '8a:93:ce:36:23:7f',
      mtu: 1500,
      ipv4: { address: '10.76.0.11', netmask: '255.255.255.0', network: '10.76.0.0', prefix: '24' },
      ipv4_secondaries: [{ address: '10.76.0.10', netmask: '255.255.255.255', network: '10.76.0.10', prefix: '32' }],
    });
    expect(f.ansible_lo).to.deep.include({
      ipv4: { address: '127.0.0.1', netmask: '255.0.0.0', network: '127.0.0.0', prefix: '8' },
    });
    expect(f).to.not.have.property('ansible_python');
  });

  it('reads a RHEL-family host with SELinux, dnf, an interface with a dash and a broadcast address', () => {
    const out = [
      'osr.NAME="Rocky Linux"',
      'osr.VERSION="9.3 (Blue Onyx)"',
      'osr.ID="rocky"',
      'osr.ID_LIKE="rhel centos fedora"',
      'osr.VERSION_ID="9.3"',
      'system=Linux',
      'kernel=5.14.0-362.el9.x86_64',
      'machine=aarch64',
      'nodename=node-1.example.com',
      'fqdn=node-1.example.com',
      'init=systemd',
      'pkg=dnf',
      'vcpus=4',
      'mem.MemTotal:=8000000',
      'selinux=1',
      'if=br-lan aa:bb:cc:dd:ee:ff 9000 0x1002',
      'addr=br-lan 192.168.1.5/23 192.168.1.255',
      'defroute=default via 192.168.0.1 dev br-lan proto static',
      'end=1',
    ].join('\n');
    const f = parseFacts(out);
    expect(f).to.deep.include({
      ansible_os_family: 'RedHat',
      ansible_distribution: 'Rocky',
      ansible_distribution_version: '9.3',
      ansible_distribution_major_version: '9',
      ansible_distribution_release: 'blue onyx',
      ansible_architecture: 'aarch64',
      ansible_hostname: 'node-1',
      ansible_domain: 'example.com',
      ansible_pkg_mgr: 'dnf',
      ansible_selinux: { status: 'enabled', mode: 'enforcing' },
      ansible_memtotal_mb: 7812,
    });
    expect(f.ansible_br_lan).to.deep.include({ active: false, mtu: 9000 });
    expect((f.ansible_br_lan as { ipv4: unknown }).ipv4).to.deep.equal({
      address: '192.168.1.5',
      netmask: '255.255.254.0',
      network: '192.168.0.0',
      prefix: '23',
      broadcast: '192.168.1.255',
    });
    expect(f.ansible_default_ipv4).to.deep.include({
      interface: 'br-lan',
      address: '192.168.1.5',
      gateway: '192.168.0.1',
    });
  });

  it('refuses output that was cut short', () => {
    expect(() => parseFacts('osr.ID=debian\nsystem=Linux\n')).to.throw(/cut short/);
  });

  it('runs as one POSIX sh script here too (dash), ending with end=1', () => {
    const r = spawnSync('/bin/sh', ['-s'], { input: FACTS_SCRIPT, encoding: 'utf8' });
    expect(r.status).to.equal(0);
    const f = parseFacts(r.stdout);
    expect(f.ansible_system).to.equal('Linux');
    expect(f.ansible_interfaces).to.include('lo');
  });
});
