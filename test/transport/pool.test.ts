// The run's connections: one transport per host, ssh or local by the spec, all closed at the end.
import { expect } from 'chai';
import { connectionSpec } from '../../src/transport/connection-spec.js';
import { LocalTransport } from '../../src/transport/local.js';
import { Connections, openTransport } from '../../src/transport/pool.js';
import { SshTransport } from '../../src/transport/ssh.js';

describe('transport/pool', () => {
  it('makes one transport per host, ssh or local by ansible_connection, and closes them all', async () => {
    const c = new Connections();
    const a = c.get('web1', connectionSpec({ ansible_host: '192.0.2.10' }, 'web1'));
    expect(a).to.be.instanceOf(SshTransport);
    expect(c.get('web1', connectionSpec({ ansible_host: '192.0.2.10' }, 'web1'))).to.equal(a);
    const l = await c.connected('localhost', connectionSpec({ ansible_connection: 'local' }, 'localhost'));
    expect(l).to.be.instanceOf(LocalTransport);
    expect((await l.exec(['echo', 'hi'])).stdout).to.equal('hi\n');
    expect(c.has('web1')).to.equal(true);
    await c.closeAll();
    expect(c.has('web1')).to.equal(false);
    expect(openTransport('x', connectionSpec({}, 'x'))).to.be.instanceOf(SshTransport);
  });
});
