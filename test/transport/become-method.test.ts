// Which become a call gets: the task's become_method wins over the host's ansible_become_method; su is known but
// kplay's transports only become with sudo, so su fails (BECOME) when a real become is needed, and is nothing
// when the login user already is the user to become (root running as root).
import { expect } from 'chai';
import { KplayError } from '../../src/core/errors.js';
import { becomeFor } from '../../src/transport/become.js';
import { connectionSpec } from '../../src/transport/connection-spec.js';
import { becomeMarkers } from '../../src/transport/shell.js';

const m = becomeMarkers();
const spec = (method?: string) =>
  connectionSpec({ ansible_become: true, ...(method ? { ansible_become_method: method } : {}) }, 'h1');

describe('become: the method', () => {
  for (const [name, hostMethod, taskMethod, login, want] of [
    ['sudo to root', undefined, undefined, 'ops', 'sudo'],
    ['su as root to root: nothing to do', undefined, 'su', 'root', 'none'],
    ['host su, root to root', 'su', undefined, 'root', 'none'],
    ['su to root from another user', undefined, 'su', 'ops', 'refused'],
    ['host su, the task says sudo', 'su', 'sudo', 'ops', 'sudo'],
    ['host sudo, the task says su', undefined, 'su', 'ops', 'refused'],
  ] as const) {
    it(name, () => {
      const call = () => becomeFor(spec(hostMethod), login, { becomeMethod: taskMethod }, m);
      if (want === 'refused') {
        expect(call).to.throw(KplayError, "become_method su is not supported by kplay's transports (to become root)");
        return;
      }
      const b = call();
      if (want === 'none') expect(b).to.equal(undefined);
      else expect(b!.wrap('id')).to.match(/^sudo -n -u root -- sh -c /);
    });
  }
});
