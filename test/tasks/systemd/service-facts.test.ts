// service_facts' reading of systemctl and `service --status-all` answers, as Ansible reads them (cases checked
// with ansible-playbook's service_facts on this machine and on a lab host).
import { expect } from 'chai';
import { parseActiveStates, parseServices, parseSysv } from '../../../src/tasks/systemd/service-facts.js';

const UNITS = [
  'ssh.service                 loaded    active   running OpenBSD Secure Shell server',
  'cron.service                loaded    inactive dead    Regular background program processing daemon',
  'gone.service                not-found inactive dead    gone.service',
  'broken.service              loaded    failed   failed  A unit that failed',
  'masked.service              masked    inactive dead    masked.service',
  'systemd-udevd.socket        loaded    active   running not a service',
].join('\n');
const FILES = [
  'ssh.service         enabled  enabled',
  'cron.service        disabled enabled',
  'broken.service      enabled  enabled',
  'masked.service      masked   enabled',
  'idle.service        disabled enabled',
  'getty@.service      enabled  enabled',
].join('\n');

describe('service_facts: reading the answers', () => {
  const { services, unloaded } = parseServices(`${UNITS}\n--unit-files--\n${FILES}\n`);
  const table: [string, Record<string, unknown>][] = [
    ['ssh.service', { state: 'running', status: 'enabled' }],
    ['cron.service', { state: 'stopped', status: 'disabled' }],
    ['gone.service', { state: 'stopped', status: 'not-found' }],
    ['broken.service', { state: 'stopped', status: 'failed' }],
    ['masked.service', { state: 'stopped', status: 'masked' }],
    ['idle.service', { state: 'unknown', status: 'disabled' }],
    ['getty@.service', { state: 'unknown', status: 'enabled' }],
  ];
  for (const [name, want] of table)
    it(`${name}: ${JSON.stringify(want)}`, () =>
      expect(services[name]).to.deep.equal({ name, source: 'systemd', ...want }));
  it('only services are listed, and the unit files not loaded are asked for their ActiveState (not templates)', () => {
    expect(Object.keys(services)).to.not.include('systemd-udevd.socket');
    expect(unloaded).to.deep.equal(['idle.service']);
  });
  it("systemctl show's blocks give each unit's ActiveState, in the order asked (an alias answers as its unit)", () => {
    const out = 'ActiveState=inactive\n\nActiveState=active\n';
    expect([...parseActiveStates(out, ['idle.service', 'sshd.service'])]).to.deep.equal([
      ['idle.service', 'inactive'],
      ['sshd.service', 'active'],
    ]);
    expect([...parseActiveStates(out, ['one.service'])], 'blocks and units do not pair').to.deep.equal([]);
  });
  it('SysV scripts: + running, - stopped, ? left out', () => {
    expect(parseSysv(' [ + ]  ssh\n [ - ]  dbus\n [ ? ]  hwclock.sh\n')).to.deep.equal({
      ssh: { name: 'ssh', state: 'running', source: 'sysv' },
      dbus: { name: 'dbus', state: 'stopped', source: 'sysv' },
    });
  });
});
