// Connection variables read into a ConnectionSpec.
import { expect } from 'chai';
import { connectionSpec } from '../../src/transport/connection-spec.js';
import { isSecret } from '../../src/core/secrets.js';

describe('connectionSpec', () => {
  it('reads the connection variables with their defaults', () => {
    const s = connectionSpec(
      { ansible_host: '192.168.56.11', ansible_user: 'ops', ansible_port: '2222', ansible_become: 'yes' },
      'master-01',
    );
    expect(s).to.include({
      connection: 'ssh',
      host: '192.168.56.11',
      port: 2222,
      user: 'ops',
      become: true,
      becomeUser: 'root',
      becomeMethod: 'sudo',
    });
    expect(connectionSpec({}, 'h1')).to.include({ host: 'h1', port: 22, become: false });
  });
  it('registers passwords as secrets', () => {
    const s = connectionSpec({ ansible_password: 'pw-123456', ansible_become_password: 'bpw-123456' }, 'h1');
    expect(s.password).to.equal('pw-123456');
    expect(isSecret('pw-123456')).to.equal(true);
    expect(isSecret('bpw-123456')).to.equal(true);
  });
  it('reads ssh common args: known hosts, host key checking, ProxyJump and -J', () => {
    const s = connectionSpec(
      {
        ansible_ssh_common_args:
          '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ProxyJump=jump@bastion:2200,10.0.0.1',
      },
      'h1',
    );
    expect(s).to.include({ strictHostKeyChecking: 'no', knownHostsFile: '/dev/null' });
    expect(s.proxyJump).to.deep.equal([
      { user: 'jump', host: 'bastion', port: 2200 },
      { user: undefined, host: '10.0.0.1', port: 22 },
    ]);
    expect(connectionSpec({ ansible_ssh_common_args: '-J ops@bastion' }, 'h1').proxyJump).to.deep.equal([
      { user: 'ops', host: 'bastion', port: 22 },
    ]);
    expect(
      connectionSpec(
        { ansible_ssh_common_args: '-oStrictHostKeyChecking=accept-new -o "ServerAliveInterval 30"' },
        'h1',
      ),
    ).to.include({
      strictHostKeyChecking: 'accept-new',
      serverAliveInterval: 30,
    });
  });
  it('refuses ProxyCommand, naming ProxyJump instead', () => {
    expect(() => connectionSpec({ ansible_ssh_common_args: "-o ProxyCommand='ssh -W %h:%p bastion'" }, 'h1'))
      .to.throw("ansible_ssh_common_args: ProxyCommand is not supported by kplay's SSH transport")
      .with.property('hint', 'use -o ProxyJump=user@bastion (or -J user@bastion)');
  });
  it('refuses a bad port and an unknown connection', () => {
    expect(() => connectionSpec({ ansible_port: 'ssh' }, 'h1')).to.throw(
      'ansible_port must be a port number, got "ssh"',
    );
    expect(() => connectionSpec({ ansible_connection: 'winrm' }, 'h1')).to.throw(
      'ansible_connection "winrm" is not supported: use ssh or local',
    );
  });
  it('keeps unused ssh options as warnings: what kplay did, and the variable to change', () => {
    expect(connectionSpec({ ansible_ssh_common_args: '-o Compression=yes -C' }, 'h1').warnings).to.deep.equal([
      "ansible_ssh_common_args: SSH option Compression is not used by kplay's SSH transport: ignored (kplay reads " +
        '-o UserKnownHostsFile, StrictHostKeyChecking, ProxyJump, ConnectTimeout, ServerAliveInterval and -J; ' +
        'take it out of ansible_ssh_common_args to silence this)',
      `ansible_ssh_common_args: "-C" is not used by kplay's SSH transport: ignored (kplay reads -o ` +
        'UserKnownHostsFile, StrictHostKeyChecking, ProxyJump, ConnectTimeout, ServerAliveInterval and -J; ' +
        'take it out of ansible_ssh_common_args to silence this)',
    ]);
  });
  // [variables, connectTimeout, hostLock]
  const MORE: [Record<string, unknown>, number | undefined, string | false | undefined][] = [
    [{}, undefined, undefined],
    [{ ansible_timeout: 30 }, 30, undefined],
    [{ ansible_ssh_timeout: '5', ansible_timeout: 30 }, 5, undefined],
    [{ ansible_timeout: 30, ansible_ssh_common_args: '-o ConnectTimeout=7' }, 7, undefined],
    [{ kplay_host_lock: '/run/lock/h1.lock' }, undefined, '/run/lock/h1.lock'],
    [{ kplay_host_lock: false }, undefined, false],
    [{ kplay_host_lock: 'false' }, undefined, false],
  ];
  for (const [vars, timeout, lock] of MORE)
    it(`${JSON.stringify(vars)}: connect timeout ${timeout}, host lock ${lock}`, () => {
      const s = connectionSpec(vars, 'h1');
      expect([s.connectTimeout, s.hostLock]).to.deep.equal([timeout, lock]);
    });
  it('refuses a timeout that is not seconds', () => {
    expect(() => connectionSpec({ ansible_timeout: 'soon' }, 'h1')).to.throw(
      'ansible_timeout must be a number of seconds, got "soon"',
    );
  });
});
