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

  // the script's lines for facts added with ansible_facts/ansible_env (issue 14): one table row per fact
  const BASE = ['system=Linux', 'machine=x86_64', 'end=1'];
  const cases: { name: string; lines: string[]; want: Record<string, unknown> }[] = [
    {
      name: "ansible_env: the @env section, a value with newlines (sent as \\001), without bash's `_`",
      lines: ['@env', 'HOME=/home/u', 'SSH_CLIENT=10.0.0.1 4242 22', 'X=a\x01b=c', '_=/usr/bin/sh', '', '@/env'],
      want: { ansible_env: { HOME: '/home/u', SSH_CLIENT: '10.0.0.1 4242 22', X: 'a\nb=c' } },
    },
    {
      name: 'ansible_date_time in a zone with DST (local fields, UTC iso8601, week number as %W)',
      lines: [
        'date=1704243845 123456789 CET +0100',
        'date=946728000 000000000 CET +0100',
        'date=962445600 0 CEST +0200',
      ],
      want: {
        ansible_date_time: {
          year: '2024',
          month: '01',
          day: '03',
          hour: '02',
          minute: '04',
          second: '05',
          date: '2024-01-03',
          time: '02:04:05',
          epoch: '1704243845',
          epoch_int: '1704243845',
          iso8601: '2024-01-03T01:04:05Z',
          iso8601_micro: '2024-01-03T01:04:05.123456Z',
          iso8601_basic: '20240103T020405123456',
          iso8601_basic_short: '20240103T020405',
          tz: 'CET',
          tz_dst: 'CEST',
          tz_offset: '+0100',
          weekday: 'Wednesday',
          weekday_number: '3',
          weeknumber: '01',
        },
      },
    },
    {
      name: 'ansible_python from --version (a release candidate)',
      lines: ['python=/usr/bin/python3', 'pyver=Python 3.13.0rc2'],
      want: {
        ansible_python_version: '3.13.0',
        ansible_python: {
          executable: '/usr/bin/python3',
          has_sslcontext: true,
          type: 'cpython',
          version: { major: 3, minor: 13, micro: 0, releaselevel: 'candidate', serial: 2 },
          version_info: [3, 13, 0, 'candidate', 2],
        },
      },
    },
    {
      name: 'the user facts from id and the passwd entry',
      lines: ['id=uid=1000(deploy) gid=1001(ops) groups=1001(ops)', 'pw=deploy:x:1000:1001:Deploy,,,:/home/d:/bin/sh'],
      want: {
        ansible_user_id: 'deploy',
        ansible_user_uid: 1000,
        ansible_user_gid: 1001,
        ansible_user_dir: '/home/d',
        ansible_user_shell: '/bin/sh',
        ansible_user_gecos: 'Deploy,,,',
        ansible_effective_user_id: 1000,
        ansible_real_group_id: 1001,
      },
    },
    {
      name: 'ansible_dns from resolv.conf',
      lines: [
        'dns.nameserver=10.0.0.2',
        'dns.nameserver=10.0.0.3',
        'dns.search=a.example b.example',
        'dns.options=ndots:5 rotate',
      ],
      want: {
        ansible_dns: {
          nameservers: ['10.0.0.2', '10.0.0.3'],
          search: ['a.example', 'b.example'],
          options: { ndots: '5', rotate: true },
        },
      },
    },
    {
      name: 'ansible_lsb and the release file of Ubuntu',
      lines: [
        'osr.NAME="Ubuntu"',
        'osr.ID=ubuntu',
        'osr.VERSION_ID="22.04"',
        'lsb.DISTRIB_ID=Ubuntu',
        'lsb.DISTRIB_RELEASE=22.04',
        'lsb.DISTRIB_CODENAME=jammy',
        'lsb.DISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"',
        'relfile=/etc/lsb-release',
      ],
      want: {
        ansible_distribution: 'Ubuntu',
        ansible_distribution_file_variety: 'Debian',
        ansible_distribution_file_path: '/etc/os-release',
        ansible_distribution_minor_version: '04',
        ansible_lsb: {
          id: 'Ubuntu',
          release: '22.04',
          codename: 'jammy',
          description: 'Ubuntu 22.04.4 LTS',
          major_release: '22',
        },
      },
    },
    {
      name: 'the release file of a RHEL-family host: /etc/redhat-release',
      lines: ['osr.NAME="Rocky Linux"', 'osr.ID="rocky"', 'osr.VERSION_ID="9.3"', 'relfile=/etc/redhat-release'],
      want: {
        ansible_distribution_file_variety: 'RedHat',
        ansible_distribution_file_path: '/etc/redhat-release',
        ansible_lsb: {},
      },
    },
    {
      name: 'memory in MB with the cache as Ansible counts it',
      lines: [
        'mem.MemTotal:=2048000',
        'mem.MemFree:=1024000',
        'mem.Buffers:=102400',
        'mem.Cached:=204800',
        'mem.SwapTotal:=1024000',
        'mem.SwapFree:=512000',
        'mem.SwapCached:=10240',
      ],
      want: {
        ansible_memory_mb: {
          real: { total: 2000, free: 1000, used: 1000 },
          nocache: { free: 1300, used: 700 },
          swap: { total: 1000, free: 500, used: 500, cached: 10 },
        },
      },
    },
    {
      name: 'CPUs: two sockets of two cores with two threads each',
      lines: [
        'vcpus=8',
        ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((n) => [
          `cpu=processor\t: ${n}`,
          'cpu=vendor_id\t: GenuineIntel',
          'cpu=model name\t: Xeon',
          `cpu=physical id\t: ${n >> 2}`,
          'cpu=siblings\t: 4',
          `cpu=core id\t: ${(n >> 1) & 1}`,
          'cpu=cpu cores\t: 2',
        ]),
      ],
      want: {
        ansible_processor_count: 2,
        ansible_processor_cores: 2,
        ansible_processor_threads_per_core: 2,
        ansible_processor_vcpus: 8,
        ansible_processor_nproc: 8,
      },
    },
    {
      name: 'virtualization: a systemd-nspawn container, and a KVM guest',
      lines: ['sdcontainer=systemd-nspawn', 'dmi.sys_vendor=QEMU'],
      want: {
        ansible_virtualization_type: 'systemd-nspawn',
        ansible_virtualization_role: 'guest',
        ansible_virtualization_tech_guest: ['systemd-nspawn', 'container', 'kvm'],
      },
    },
    {
      name: 'mounts: device mounts with statvfs sizes, an escaped space',
      lines: [
        'mount=/dev/vda / ext4 rw,relatime',
        'mount=/dev/vdb /srv/my\\040data xfs rw',
        'statfs=/|4096|4096|1000|600|500|100|40',
      ],
      want: {
        ansible_mounts: [
          {
            mount: '/',
            device: '/dev/vda',
            fstype: 'ext4',
            options: 'rw,relatime',
            size_total: 4096000,
            size_available: 2048000,
            block_size: 4096,
            block_total: 1000,
            block_available: 500,
            block_used: 500,
            inode_total: 100,
            inode_available: 40,
            inode_used: 60,
            uuid: 'N/A',
          },
          { mount: '/srv/my data', device: '/dev/vdb', fstype: 'xfs', options: 'rw', uuid: 'N/A' },
        ],
      },
    },
    {
      name: 'IPv6: addresses per interface, all of them but ::1, the default route',
      lines: [
        'if=lo 00:00:00:00:00:00 65536 0x9 772 ',
        'if=eth0 02:aa:00:00:00:01 1500 0x1103 1 ',
        'addr6=lo ::1/128 host',
        'addr6=eth0 fd00::2/64 global',
        'addr6=eth0 fe80::1/64 link',
        'defroute6=default via fd00::1 dev eth0 proto static metric 1024',
      ],
      want: {
        ansible_all_ipv6_addresses: ['fd00::2', 'fe80::1'],
        ansible_lo: {
          device: 'lo',
          active: true,
          mtu: 65536,
          type: 'loopback',
          promisc: false,
          ipv6: [{ address: '::1', prefix: '128', scope: 'host' }],
        },
        ansible_default_ipv6: {
          interface: 'eth0',
          gateway: 'fd00::1',
          address: 'fd00::2',
          prefix: '64',
          scope: 'global',
          macaddress: '02:aa:00:00:00:01',
          mtu: 1500,
          type: 'ether',
        },
      },
    },
  ];
  for (const c of cases)
    it(`reads ${c.name}`, () => {
      expect(parseFacts([...c.lines, ...BASE].join('\n'))).to.deep.include(c.want);
    });

  it('leaves ansible_python out where no Python answers', () => {
    expect(parseFacts(BASE.join('\n'))).to.not.have.property('ansible_python');
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
    expect(r.stderr).to.equal('');
    expect((f.ansible_env as Record<string, string>).PATH).to.equal(process.env.PATH);
    expect(f.ansible_env).to.not.have.property('LC_ALL', 'C');
    const now = Math.floor(Date.now() / 1000);
    expect(Number((f.ansible_date_time as { epoch: string }).epoch)).to.be.within(now - 60, now + 1);
    expect(f.ansible_user_uid).to.equal(process.getuid!());
    expect(f.ansible_distribution_file_variety).to.be.a('string');
  });
});
