// Parity cases for what issue 14 brought from Ansible (ansible-parity.test.ts runs them with the others):
// async and poll with async_status, assemble, copy of a controller folder holding links (local_follow), copy
// of a host folder (remote_src), and
// the action modules that refuse async at run time.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Case, D, fileState } from './case.js';

/** Every entry under a folder: type, mode, path and link target, then each file's bytes. */
function treeState(dir: string): string {
  return (
    `cd ${dir} 2>/dev/null || { echo absent ${dir}; exit 0; }; find . -printf '%y %m %p %l\\n' | sort; ` +
    `find . -type f | sort | while read -r f; do echo "== $f"; cat -A "$f"; done`
  );
}

export const CONTENT_CASES: Case[] = [
  {
    name: 'shell started in the background with async and poll 0',
    module: 'ansible.builtin.shell',
    args: { _raw_params: `sleep 1; echo done >> ${D}/async-bg` },
    keywords: { async: 30, poll: 0, register: 'parity_job' },
    state: 'true',
  },
  {
    name: 'async_status waits until the background job finished',
    module: 'ansible.builtin.async_status',
    args: { jid: '{{ parity_job.ansible_job_id }}' },
    keywords: { register: 'parity_job_status', until: 'parity_job_status.finished', retries: 30, delay: 1 },
    state: fileState(`${D}/async-bg`),
  },
  {
    name: 'command polled with async until it ends',
    module: 'ansible.builtin.command',
    args: { _raw_params: `touch ${D}/async-poll`, creates: `${D}/async-poll` },
    keywords: { async: 20, poll: 1 },
    state: fileState(`${D}/async-poll`),
  },
  {
    name: 'shell polled with async past its time limit fails',
    module: 'ansible.builtin.shell',
    args: { _raw_params: `sleep 5; touch ${D}/async-late` },
    keywords: { async: 1, poll: 1 },
    fails: true,
    state: 'true',
  },
  {
    name: 'template with async fails when it runs',
    module: 'ansible.builtin.template',
    args: { src: 'parity.conf.j2', dest: `${D}/async-tpl` },
    keywords: { async: 10 },
    fails: true,
    state: fileState(`${D}/async-tpl`),
  },
  {
    name: 'assemble fragments with a delimiter, hidden ones left out',
    module: 'ansible.builtin.assemble',
    args: { src: `${D}/frags`, dest: `${D}/assembled`, delimiter: '# --', ignore_hidden: true, mode: '0640' },
    setup:
      `mkdir -p ${D}/frags && printf 'b\\n' > ${D}/frags/02-b && printf 'a' > ${D}/frags/01-a && ` +
      `printf 'h\\n' > ${D}/frags/.h`,
    state: fileState(`${D}/assembled`),
  },
  {
    name: 'assemble the fragments a regexp picks',
    module: 'ansible.builtin.assemble',
    args: { src: `${D}/frags2`, dest: `${D}/assembled-re`, regexp: '^0[13]' },
    setup: `mkdir -p ${D}/frags2 && for i in 1 2 3; do echo "part $i" > ${D}/frags2/0$i; done`,
    state: fileState(`${D}/assembled-re`),
  },
  {
    name: 'copy a host folder (remote_src) into a folder',
    module: 'ansible.builtin.copy',
    args: { src: `${D}/rsrc`, dest: `${D}/rdest/`, remote_src: true },
    setup:
      `mkdir -p ${D}/rsrc/sub && printf 'one\\n' > ${D}/rsrc/one && printf 'two' > ${D}/rsrc/sub/two && ` +
      `chmod 0600 ${D}/rsrc/sub/two && chmod 0750 ${D}/rsrc/sub`,
    state: treeState(`${D}/rdest`),
  },
  {
    name: 'copy what a host folder holds (remote_src, trailing slash)',
    module: 'ansible.builtin.copy',
    args: { src: `${D}/rsrc2/`, dest: `${D}/rdest2/`, remote_src: true },
    setup: `mkdir -p ${D}/rsrc2/d && printf 'a\\n' > ${D}/rsrc2/a && printf 'b\\n' > ${D}/rsrc2/d/b`,
    state: treeState(`${D}/rdest2`),
  },
  {
    name: 'copy a controller folder holding links, following them',
    module: 'ansible.builtin.copy',
    args: { src: 'linktree/', dest: `${D}/tree-follow/` },
    state: treeState(`${D}/tree-follow`),
  },
  {
    name: 'copy a controller folder holding links, local_follow false',
    module: 'ansible.builtin.copy',
    args: { src: 'linktree/', dest: `${D}/tree-links/`, local_follow: false },
    state: treeState(`${D}/tree-links`),
  },
];

/** The controller files the cases read, under the site's files/ folder. */
export function makeContentFiles(site: string): void {
  const t = join(site, 'files/linktree');
  mkdirSync(join(t, 'sub'), { recursive: true });
  writeFileSync(join(t, 'real.txt'), 'real\n', { mode: 0o644 });
  writeFileSync(join(t, 'sub/inner.txt'), 'inner\n', { mode: 0o600 });
  symlinkSync('real.txt', join(t, 'to-real'));
  symlinkSync('../real.txt', join(t, 'sub/up'));
}
