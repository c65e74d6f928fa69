// command and shell against a fake host: argv splitting, variable expansion, creates/removes, chdir, stdin.
import { expect } from 'chai';
import { command, shell } from '../../src/tasks/command.js';
import { splitCommand } from '../../src/tasks/lib/split-command.js';
import { FakeHost } from '../support/fake-host.js';
import { planError, planOn } from '../support/plan-harness.js';

describe('command: splitting a free-form line', () => {
  for (const [line, argv] of [
    ['ls -l /etc', ['ls', '-l', '/etc']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['echo "a b" c', ['echo', 'a b', 'c']],
    ['echo \'a "b" c\'', ['echo', 'a "b" c']],
    ['echo "it\'s"', ['echo', "it's"]],
    ['echo "a \\"q\\" \\\\ \\$x"', ['echo', 'a "q" \\ \\$x']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo x\'y z\'"w"', ['echo', 'xy zw']],
    ['echo "" \'\'', ['echo', '', '']],
    ['sh -c "echo $HOME | wc"', ['sh', '-c', 'echo $HOME | wc']],
  ] as const) {
    it(JSON.stringify(line), () => expect(splitCommand(line)).to.deep.equal(argv));
  }
  for (const bad of ['echo "x', "echo 'x", 'echo x\\'])
    it(`fails: ${JSON.stringify(bad)}`, () => expect(() => splitCommand(bad)).to.throw());
});

describe('command', () => {
  it('plans one change that runs the argv, and does not claim to converge', async () => {
    const plan = await planOn(command, { _raw_params: 'kubeadm init --config "/etc/kube adm.yaml"' }, new FakeHost());
    expect(command.converges).to.equal(false);
    expect(plan.changes).to.deep.equal([
      {
        summary: 'run: kubeadm init --config /etc/kube adm.yaml',
        actions: [{ exec: ['kubeadm', 'init', '--config', '/etc/kube adm.yaml'], stdin: undefined, cwd: undefined }],
        touches: [],
      },
    ]);
    expect(plan.result).to.deep.equal({ cmd: ['kubeadm', 'init', '--config', '/etc/kube adm.yaml'], msg: '' });
  });

  it('runs no shell: pipes and globs are plain arguments', async () => {
    const plan = await planOn(command, { cmd: 'echo a | wc *' }, new FakeHost());
    expect(plan.changes[0]!.actions[0]).to.deep.include({ exec: ['echo', 'a', '|', 'wc', '*'] });
  });

  it("expands $VAR, ${VAR} and ~ from the host's environment, as Ansible does; unknown ones stay", async () => {
    const plan = await planOn(command, { _raw_params: 'echo $HOME ${USER}x ~/bin $NOPE' }, new FakeHost());
    expect(plan.changes[0]!.actions[0]).to.deep.include({ exec: ['echo', '/root', 'rootx', '/root/bin', '$NOPE'] });
  });

  it('expand_argument_vars=no keeps $HOME', async () => {
    const plan = await planOn(command, { _raw_params: 'echo $HOME', expand_argument_vars: false }, new FakeHost());
    expect(plan.changes[0]!.actions[0]).to.deep.include({ exec: ['echo', '$HOME'] });
  });

  it('executable is accepted and not used, with a warning (Ansible 2.14 does the same)', async () => {
    const plan = await planOn(command, { _raw_params: 'ls /dev/null', executable: '/bogus' }, new FakeHost());
    expect(plan.changes[0]!.actions[0]).to.deep.include({ exec: ['ls', '/dev/null'] });
    expect((plan.result!.warnings as string[])[0]).to.contain('no longer supported');
  });

  it('argv is taken as it is', async () => {
    const plan = await planOn(command, { argv: ['printf', '%s\n', 'a b'] }, new FakeHost());
    expect(plan.changes[0]!.actions[0]).to.deep.include({ exec: ['printf', '%s\n', 'a b'] });
  });

  it('creates: skipped when the path exists', async () => {
    const plan = await planOn(
      command,
      { _raw_params: 'kubeadm init', creates: '/etc/kubernetes/admin.conf' },
      new FakeHost({ '/etc/kubernetes/admin.conf': 'x' }),
    );
    expect(plan.changes).to.deep.equal([]);
    expect(plan.result).to.include({ msg: "Did not run command since '/etc/kubernetes/admin.conf' exists", rc: 0 });
  });

  it('creates: runs when missing, and touches the path; after the command made it, skipped', async () => {
    const host = new FakeHost({ '/etc/kubernetes/x': '' });
    const args = { _raw_params: 'kubeadm init', creates: '/etc/kubernetes/admin.conf' };
    const plan = await planOn(command, args, host);
    expect(plan.changes[0]!.touches).to.deep.equal(['file:/etc/kubernetes/admin.conf']);
    host.onExec = () =>
      host.apply([
        { summary: '', touches: [], actions: [{ put: '/etc/kubernetes/admin.conf', content: Buffer.from('') }] },
      ]);
    host.apply(plan.changes);
    expect(host.ran).to.have.length(1);
    expect((await planOn(command, args, host)).changes).to.deep.equal([]);
  });

  it('creates with a glob', async () => {
    const host = new FakeHost({ '/etc/kubernetes/pki/ca.crt': 'x' });
    expect(
      (await planOn(command, { _raw_params: 'x', creates: '/etc/kubernetes/pki/*.crt' }, host)).changes,
    ).to.deep.equal([]);
    expect(
      (await planOn(command, { _raw_params: 'x', creates: '/etc/kubernetes/pki/*.key' }, host)).changes,
    ).to.have.length(1);
  });

  it('removes: skipped when the path is missing, runs when it exists', async () => {
    const host = new FakeHost({ '/swapfile': '' });
    const skipped = await planOn(command, { _raw_params: 'rm /x', removes: '/x' }, host);
    expect(skipped.result).to.include({ msg: "Did not run command since '/x' does not exist" });
    expect(
      (await planOn(command, { _raw_params: 'swapoff /swapfile', removes: '/swapfile' }, host)).changes,
    ).to.have.length(1);
  });

  it('chdir: the cwd, and relative creates are relative to it', async () => {
    const host = new FakeHost({ '/opt/app/built': '' });
    expect(
      (await planOn(command, { _raw_params: 'make', chdir: '/opt/app', creates: 'built' }, host)).changes,
    ).to.deep.equal([]);
    const plan = await planOn(command, { _raw_params: 'make', chdir: '/opt/app', creates: 'other' }, host);
    expect(plan.changes[0]!.actions[0]).to.deep.include({ cwd: '/opt/app' });
    expect(plan.changes[0]!.touches).to.deep.equal(['file:/opt/app/other']);
  });

  it('stdin gets a newline unless stdin_add_newline=no', async () => {
    const a = await planOn(command, { _raw_params: 'cat', stdin: 'hello' }, new FakeHost());
    expect(a.changes[0]!.actions[0]).to.deep.include({ stdin: 'hello\n' });
    const b = await planOn(command, { _raw_params: 'cat', stdin: 'hello', stdin_add_newline: false }, new FakeHost());
    expect(b.changes[0]!.actions[0]).to.deep.include({ stdin: 'hello' });
  });

  it('fails with an empty command', async () => {
    expect(await planError(command, { _raw_params: '   ' }, new FakeHost())).to.include('no command given');
  });
});

describe('shell', () => {
  it('runs the line with /bin/sh -c', async () => {
    const plan = await planOn(shell, { _raw_params: 'swapoff -a && echo $HOME | wc' }, new FakeHost());
    expect(shell.converges).to.equal(false);
    expect(plan.changes).to.deep.equal([
      {
        summary: 'run: swapoff -a && echo $HOME | wc',
        actions: [{ exec: ['/bin/sh', '-c', 'swapoff -a && echo $HOME | wc'], stdin: undefined, cwd: undefined }],
        touches: [],
      },
    ]);
    expect(plan.result).to.deep.equal({ cmd: 'swapoff -a && echo $HOME | wc', msg: '' });
  });

  it('executable replaces /bin/sh', async () => {
    const plan = await planOn(shell, { cmd: 'set -o pipefail; a | b', executable: '/bin/bash' }, new FakeHost());
    expect(plan.changes[0]!.actions[0]).to.deep.include({ exec: ['/bin/bash', '-c', 'set -o pipefail; a | b'] });
  });

  it('creates and chdir as for command', async () => {
    const host = new FakeHost({ '/root/done': '' });
    expect((await planOn(shell, { cmd: 'x', chdir: '~', creates: 'done' }, host)).changes).to.deep.equal([]);
  });
});
