// apt_repository against a fake host: default file names, source lines added (the cache refreshed) and removed.
import { expect } from 'chai';
import { converge, planError, planOn } from '../../support/plan-harness.js';
import { apt_repository, repoFilename } from '../../../src/tasks/packages/apt-repo.js';
import { FakeApt, summaries, execs } from './fake-apt.js';

describe('apt_repository', () => {
  const REPO =
    'deb [signed-by=/etc/apt/keyrings/docker.gpg  arch=amd64] https://download.docker.com/linux/debian bookworm stable';
  it('default file names as Ansible makes them', () => {
    expect(repoFilename(REPO)).to.equal('download_docker_com_linux_debian');
    expect(repoFilename('deb http://user:pw@deb.debian.org/debian bookworm-backports main')).to.equal(
      'deb_debian_org_debian',
    );
  });

  it('adds the line to sources.list.d/<filename>.list and refreshes the cache; converges', async () => {
    const host = new FakeApt(
      {},
      {},
      {
        '/etc/apt/sources.list': 'deb http://deb.debian.org/debian bookworm main\n',
        '/etc/apt/sources.list.d/.keep': '',
      },
    );
    const plan = await converge(apt_repository, { repo: REPO, filename: 'docker' }, host);
    expect(summaries(plan)).to.deep.equal([
      'apt_repository: add "deb [signed-by=/etc/apt/keyrings/docker.gpg arch=amd64] ' +
        'https://download.docker.com/linux/debian bookworm stable" to /etc/apt/sources.list.d/docker.list',
    ]);
    expect(host.text('/etc/apt/sources.list.d/docker.list')).to.equal(
      'deb [signed-by=/etc/apt/keyrings/docker.gpg arch=amd64] ' +
        'https://download.docker.com/linux/debian bookworm stable\n',
    );
    expect(execs(plan)[0]).to.equal('apt-get update -q');
    expect(plan.changes[0]!.touches).to.include('file:/var/lib/apt/lists/');
  });

  it('a line already in sources.list (other spacing) is nothing; update_cache=no runs no update', async () => {
    const host = new FakeApt(
      {},
      {},
      {
        '/etc/apt/sources.list': 'deb  http://deb.debian.org/debian   bookworm main\n',
        '/etc/apt/sources.list.d/.keep': '',
      },
    );
    expect(
      summaries(await planOn(apt_repository, { repo: 'deb http://deb.debian.org/debian bookworm main' }, host)),
    ).to.deep.equal([]);
    const plan = await planOn(apt_repository, { repo: 'deb http://x.org/d bookworm main', update_cache: false }, host);
    expect(execs(plan)).to.deep.equal([]);
  });

  it('absent removes the line, and the file when nothing is left', async () => {
    const host = new FakeApt(
      {},
      {},
      { '/etc/apt/sources.list': '', '/etc/apt/sources.list.d/docker.list': `${REPO}\n` },
    );
    const plan = await converge(apt_repository, { repo: REPO, state: 'absent' }, host);
    expect(plan.changes[0]!.actions[0]).to.deep.equal({ remove: '/etc/apt/sources.list.d/docker.list' });
    expect(host.nodeAt('/etc/apt/sources.list.d/docker.list')).to.equal(undefined);
  });

  it('ppa and bad lines fail clearly', async () => {
    expect(await planError(apt_repository, { repo: 'ppa:foo/bar' }, new FakeApt())).to.match(/Ubuntu only/);
    expect(await planError(apt_repository, { repo: 'http://x bookworm' }, new FakeApt())).to.match(
      /invalid repository line/,
    );
  });
});
