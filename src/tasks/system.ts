// Module family "system": hostname and timezone.
//
// hostname: the permanent name (/etc/hostname; /etc/sysconfig/network HOSTNAME= with use=redhat) and the
// running one (`hostname` prints it, `hostname NAME` sets it). Both are checked and fixed separately, so a
// host whose file is right but whose kernel name drifted is repaired. hostnamectl is not used: it needs
// systemd-hostnamed over D-Bus, which containers often lack; writing /etc/hostname and setting the kernel
// name is what it does. `use` defaults from facts (systemd when the service manager is systemd, else the
// OS family). /etc/hosts is not touched (as in Ansible). Returns ansible_facts like Ansible's (the engine
// does not merge a host module's ansible_facts into the host's facts yet; gather again to see them).
//
// timezone: /etc/localtime becomes a symlink to /usr/share/zoneinfo/NAME (the zone must exist there), and
// on the Debian family /etc/timezone holds NAME. A link written by timedatectl (relative,
// ../usr/share/zoneinfo/NAME) counts as set. hwclock is not supported (fails when given).
import { posix } from 'node:path';
import type { Change, Plan } from './contract.js';
import { taskFailed } from './lib/fsattrs.js';
import { splitLines } from './lib/py-regex.js';
import { astr, choice, defineTask } from './lib/schema.js';
import type { ModuleSpec } from './contract.js';

const HOSTNAME_RE = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;

export const hostname = defineTask({
  name: 'hostname',
  description: "Set the host's name: permanent (/etc/hostname) and running (kernel hostname).",
  args: { name: astr(), use: choice(['systemd', 'debian', 'redhat', 'alpine', 'generic', 'openrc']) },
  required: ['name'],
  returns: {
    name: 'the name',
    ansible_facts: 'ansible_hostname, ansible_nodename, ansible_fqdn, ansible_domain for the new name',
  },
  example: '- hostname: name={{ inventory_hostname }}',
  async plan(args, _host, facts): Promise<Plan> {
    const name = args.name!.trim();
    if (name.length > 253 || !HOSTNAME_RE.test(name))
      throw taskFailed(`hostname: "${args.name}" is not a valid host name`);
    const f = await facts.facts();
    const use =
      args.use ??
      (f.ansible_service_mgr === 'systemd' ? 'systemd' : f.ansible_os_family === 'RedHat' ? 'redhat' : 'generic');
    const changes: Change[] = [];
    if (use === 'redhat') {
      const path = '/etc/sysconfig/network';
      const b = await facts.read(path);
      const before = b?.toString('utf8') ?? '';
      const lines = splitLines(before);
      const i = lines.findIndex((l) => /^\s*HOSTNAME\s*=/.test(l));
      const cur =
        i < 0
          ? undefined
          : lines[i]!.replace(/^\s*HOSTNAME\s*=\s*/, '')
              .trim()
              .replace(/^"(.*)"$/, '$1');
      if (cur !== name) {
        if (i < 0) {
          if (lines.length && !lines.at(-1)!.endsWith('\n')) lines[lines.length - 1] += '\n';
          lines.push(`HOSTNAME=${name}\n`);
        } else lines[i] = `HOSTNAME=${name}\n`;
        const after = lines.join('');
        changes.push({
          summary: `hostname: ${path}: ${cur ?? '(unset)'} → ${name}`,
          diff: { path, before, after },
          actions: [{ put: path, content: Buffer.from(after), mode: b ? undefined : '0644' }],
          touches: [`file:${path}`],
        });
      }
    } else {
      const path = '/etc/hostname';
      const b = await facts.read(path);
      const before = b?.toString('utf8') ?? '';
      const cur = before
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith('#'));
      if (cur !== name) {
        changes.push({
          summary: `hostname: ${path}: ${cur ?? '(unset)'} → ${name}`,
          diff: { path, before, after: `${name}\n` },
          actions: [{ put: path, content: Buffer.from(`${name}\n`), mode: b ? undefined : '0644' }],
          touches: [`file:${path}`],
        });
      }
    }
    const live = await facts.probe(['hostname']);
    if (live.rc !== 0) throw taskFailed(`hostname: cannot read the running host name: ${live.stderr.trim()}`);
    const running = live.stdout.trim();
    if (running !== name)
      changes.push({
        summary: `hostname: running name ${running} → ${name}`,
        actions: [{ exec: ['hostname', name] }],
        touches: ['probe:hostname'],
      });
    const short = name.split('.')[0]!;
    return {
      changes,
      result: {
        name,
        ansible_facts: {
          ansible_hostname: short,
          ansible_nodename: name,
          ansible_fqdn: name,
          ansible_domain: name.split('.').slice(1).join('.'),
        },
      },
    };
  },
});

const ZONEINFO = '/usr/share/zoneinfo';

export const timezone = defineTask({
  name: 'timezone',
  description: 'Set the system time zone (/etc/localtime link, /etc/timezone on Debian).',
  args: { name: astr(), hwclock: astr() },
  required: ['name'],
  returns: {
    name: 'the time zone',
    before: 'the time zone before the task',
    diff: "{before: {name}, after: {name}} as Ansible registers it ('n/a' when the zone was not known)",
  },
  example: '- timezone: name=Asia/Shanghai',
  async plan(args, _host, facts): Promise<Plan> {
    if (args.hwclock !== undefined) throw taskFailed('timezone: hwclock is not supported by kplay');
    const name = args.name!.trim();
    if (!name || name.includes('..') || name.startsWith('/'))
      throw taskFailed(`timezone: bad time zone name "${args.name}"`);
    const zone = `${ZONEINFO}/${name}`;
    const z = await facts.stat(zone, { follow: true });
    if (!z.exists || z.isdir) throw taskFailed(`timezone: given timezone "${name}" is not available (no ${zone})`);
    const lt = await facts.stat('/etc/localtime', { follow: false });
    const target = lt.islnk && lt.lnk_target !== undefined ? posix.resolve('/etc', lt.lnk_target) : undefined;
    const before = target?.startsWith(`${ZONEINFO}/`)
      ? target.slice(ZONEINFO.length + 1)
      : lt.exists
        ? '(not a link)'
        : '(unset)';
    const changes: Change[] = [];
    if (target !== zone) {
      changes.push({
        summary: `timezone: /etc/localtime → ${zone} (was ${before})`,
        diff: { path: '/etc/localtime', before: `${before}\n`, after: `${name}\n` },
        actions: [{ exec: ['ln', '-sfn', '--', zone, '/etc/localtime'] }],
        touches: ['file:/etc/localtime'],
      });
    }
    const family = String((await facts.facts()).ansible_os_family ?? '');
    if (family === 'Debian') {
      const b = await facts.read('/etc/timezone');
      const cur = b?.toString('utf8') ?? '';
      if (cur.trim() !== name) {
        changes.push({
          summary: `timezone: /etc/timezone: ${cur.trim() || '(unset)'} → ${name}`,
          diff: { path: '/etc/timezone', before: cur, after: `${name}\n` },
          actions: [{ put: '/etc/timezone', content: Buffer.from(`${name}\n`), mode: b ? undefined : '0644' }],
          touches: ['file:/etc/timezone'],
        });
      }
    }
    const was = before.startsWith('(') ? 'n/a' : before;
    return { changes, result: { name, before, diff: { before: { name: was }, after: { name } } } };
  },
});

export const modules: ModuleSpec[] = [hostname, timezone];
