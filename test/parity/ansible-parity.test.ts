// kplay against Ansible, module by module, on twin lab hosts. Each case is one task (module + arguments)
// written once and run twice: by kplay on host A and by Debian's ansible-playbook on host B, from the same
// initial state (set up with lab.exec on both). The resulting state (file bytes, mode, owner:group, getent
// lines, systemctl is-enabled/is-active, dpkg-query) and `changed` on a first and a second run must be the
// same. A difference kplay makes on purpose is listed in docs/ansible-differences.md under the case's
// name and asserted here as that difference (not skipped).
// All cases run in ONE kplay playbook per round and, on Ansible's side, one playbook through Mitogen (Debian's
// ansible-mitogen: the same modules, a fraction of the CPU) and one without it for the few cases Mitogen does
// otherwise (Case.plain); KPLAY_ANSIBLE_PLAIN=1 runs every case without it. ignore_errors on every task, each
// case with its own paths and names, two rounds, in the suite's `before`; each `it` checks one case.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, siteFor } from '../e2e/support.js';
import { ansiblePlaybook } from './ansible.js';
import { JINJA_CONTENT, JINJA_FILES, JINJA_TEMPLATES, JINJA_VARS, jinjaDest } from './jinja-cases.js';
import { type Case, D, fileState, type Outcome, type Status } from './case.js';
import { CONTENT_CASES, makeContentFiles } from './content-cases.js';

const UNIT =
  '[Unit]\nDescription=kplay parity tiny unit\n[Service]\n' +
  'ExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n';

const cases: Case[] = [
  // ---- copy / template
  {
    name: 'copy content with mode',
    module: 'ansible.builtin.copy',
    args: { content: 'hello\nworld\n', dest: `${D}/copy1`, mode: '0640' },
    state: fileState(`${D}/copy1`),
  },
  {
    name: 'copy replaces content, sets owner and group',
    module: 'ansible.builtin.copy',
    args: { content: 'new\n', dest: `${D}/copy2`, owner: 'nobody', group: 'nogroup', mode: '0600' },
    setup: `printf 'old\\n' > ${D}/copy2; chmod 0644 ${D}/copy2`,
    state: fileState(`${D}/copy2`),
  },
  {
    name: 'copy same content, only the mode changes',
    module: 'ansible.builtin.copy',
    args: { content: 'same\n', dest: `${D}/copy3`, mode: '0600' },
    setup: `printf 'same\\n' > ${D}/copy3; chmod 0644 ${D}/copy3`,
    state: fileState(`${D}/copy3`),
  },
  {
    name: 'copy content into a directory dest fails',
    module: 'ansible.builtin.copy',
    args: { content: 'x\n', dest: `${D}/cdir/` },
    fails: true,
    setup: `mkdir -p ${D}/cdir`,
    state: `ls -A ${D}/cdir`,
  },
  {
    name: 'template renders a variable',
    module: 'ansible.builtin.template',
    args: { src: 'parity.conf.j2', dest: `${D}/tmpl1`, mode: '0644' },
    state: fileState(`${D}/tmpl1`),
  },
  // ---- Jinja templates (test/parity/jinja-cases.ts): the same bytes
  ...JINJA_TEMPLATES.map(
    ([what], i): Case => ({
      name: `template with Jinja: ${what}`,
      module: 'ansible.builtin.template',
      args: { src: `jinja-${i}.j2`, dest: jinjaDest(D, i), mode: '0644' },
      state: fileState(jinjaDest(D, i)),
    }),
  ),
  {
    name: 'copy content with Jinja statements',
    module: 'ansible.builtin.copy',
    args: { content: JINJA_CONTENT, dest: `${D}/jinja-content`, mode: '0644' },
    state: fileState(`${D}/jinja-content`),
  },
  // ---- file
  {
    name: 'file directory with missing parents and a mode',
    module: 'ansible.builtin.file',
    args: { path: `${D}/fdir/a/b`, state: 'directory', mode: '0750' },
    state: fileState(`${D}/fdir`, `${D}/fdir/a`, `${D}/fdir/a/b`),
  },
  {
    name: 'file touch a new file with a mode',
    module: 'ansible.builtin.file',
    args: { path: `${D}/ftouch`, state: 'touch', mode: '0600' },
    state: fileState(`${D}/ftouch`),
  },
  {
    name: 'file relative symlink',
    module: 'ansible.builtin.file',
    args: { path: `${D}/flink`, src: 'flink-target', state: 'link' },
    setup: `printf 't\\n' > ${D}/flink-target`,
    state: fileState(`${D}/flink`),
  },
  {
    name: 'file absent removes a tree',
    module: 'ansible.builtin.file',
    args: { path: `${D}/fabs`, state: 'absent' },
    setup: `mkdir -p ${D}/fabs/x/y; touch ${D}/fabs/x/y/z`,
    state: fileState(`${D}/fabs`),
  },
  {
    name: 'file symbolic mode on an existing file',
    module: 'ansible.builtin.file',
    args: { path: `${D}/fmode`, mode: 'u+x,g-r' },
    setup: `printf 'm\\n' > ${D}/fmode; chmod 0644 ${D}/fmode`,
    state: fileState(`${D}/fmode`),
  },
  {
    name: 'file hard link',
    module: 'ansible.builtin.file',
    args: { path: `${D}/fhard`, src: `${D}/fhard-target`, state: 'hard' },
    setup: `printf 'h\\n' > ${D}/fhard-target`,
    state: `${fileState(`${D}/fhard`)}; stat -c %h ${D}/fhard-target`,
  },
  // ---- lineinfile
  {
    name: 'lineinfile regexp replaces the last match',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li1`, regexp: '^a=', line: 'a=9' },
    setup: `printf 'a=1\\nb=2\\na=3\\n' > ${D}/li1`,
    state: fileState(`${D}/li1`),
  },
  {
    name: 'lineinfile insertafter a section',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li2`, line: 'z=3', insertafter: '^\\[main\\]' },
    setup: `printf '[main]\\nx=1\\n[other]\\ny=2\\n' > ${D}/li2`,
    state: fileState(`${D}/li2`),
  },
  {
    name: 'lineinfile insertbefore BOF',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li3`, line: '# managed', insertbefore: 'BOF' },
    setup: `printf 'a\\nb\\n' > ${D}/li3`,
    state: fileState(`${D}/li3`),
  },
  {
    name: 'lineinfile backrefs',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li4`, regexp: '^port=(80)$', line: 'port=\\1\\1', backrefs: true },
    setup: `printf 'name=x\\nport=80\\n' > ${D}/li4`,
    state: fileState(`${D}/li4`),
  },
  {
    name: 'lineinfile backrefs without a match leaves the file',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li5`, regexp: '^nomatch=(.*)$', line: 'x=\\1', backrefs: true },
    setup: `printf 'a\\n' > ${D}/li5`,
    state: fileState(`${D}/li5`),
  },
  {
    name: 'lineinfile absent removes every match',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li6`, regexp: '^#', state: 'absent' },
    setup: `printf 'a\\n#b\\nc\\n# d\\n' > ${D}/li6`,
    state: fileState(`${D}/li6`),
  },
  {
    name: 'lineinfile create with a mode',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li7`, line: 'x=1', create: true, mode: '0640' },
    state: fileState(`${D}/li7`),
  },
  {
    name: 'lineinfile appends to a file without a final newline',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li8`, line: 'c' },
    setup: `printf 'a\\nb' > ${D}/li8`,
    state: fileState(`${D}/li8`),
  },
  {
    name: 'lineinfile insertafter the last line without a final newline',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li9`, line: 'c', insertafter: '^b' },
    setup: `printf 'a\\nb' > ${D}/li9`,
    state: fileState(`${D}/li9`),
    differs: (k, a) => {
      // kplay adds the missing newline before inserting; Ansible glues the new line to the last one
      expect([k.first, a.first]).to.deep.equal(['changed', 'changed']);
      // then kplay finds its line after b; Ansible finds no line "c" after "bc" and inserts one
      expect([k.second, a.second]).to.deep.equal(['ok', 'changed']);
      expect(k.state).to.include('a$\nb$\nc$\n<EOF>');
      expect(a.state).to.include('a$\nbc$\nc$\n<EOF>');
    },
  },
  {
    name: 'lineinfile line already present',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li10`, line: 'b' },
    setup: `printf 'a\\nb\\nc\\n' > ${D}/li10`,
    state: fileState(`${D}/li10`),
  },
  {
    name: 'lineinfile search_string replaces the line',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li11`, search_string: 'listen 80', line: 'listen 8080' },
    setup: `printf 'server {\\n  listen 80;\\n}\\n' > ${D}/li11`,
    state: fileState(`${D}/li11`),
  },
  {
    name: 'lineinfile insertbefore the first match with firstmatch',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li12`, line: 'new', insertbefore: '^x', firstmatch: true },
    setup: `printf 'a\\nx1\\nb\\nx2\\n' > ${D}/li12`,
    state: fileState(`${D}/li12`),
  },
  {
    name: "lineinfile a relative path is the login folder's",
    module: 'ansible.builtin.lineinfile',
    args: { path: 'parity-li13', line: 'x', create: true },
    setup: 'rm -f /root/parity-li13',
    state: fileState('/root/parity-li13'),
    plain: true,
  },
  {
    name: 'lineinfile a line holding a newline',
    module: 'ansible.builtin.lineinfile',
    args: { path: `${D}/li14`, line: 'x\ny' },
    setup: `printf 'a\\n' > ${D}/li14`,
    state: fileState(`${D}/li14`),
    differs: (k, a) => {
      expect([k.first, a.first]).to.deep.equal(['changed', 'changed']);
      // kplay finds the two lines in a row; Ansible compares each line with "x\ny", never finds it, adds it again
      expect([k.second, a.second]).to.deep.equal(['ok', 'changed']);
      expect(k.state).to.include('a$\nx$\ny$\n<EOF>');
      expect(a.state).to.include('a$\nx$\ny$\nx$\ny$\n<EOF>');
    },
  },
  // ---- blockinfile
  {
    name: 'blockinfile insertafter a (?m) regexp spanning lines',
    module: 'ansible.builtin.blockinfile',
    args: { path: `${D}/bi7`, block: 'k=1', insertafter: '(?m)^L =\\n\\s+\\(A' },
    setup: `printf 'L =\\n  (A\\nz\\nL =\\n  (A\\n' > ${D}/bi7`,
    state: fileState(`${D}/bi7`),
  },
  {
    name: 'blockinfile at EOF',
    module: 'ansible.builtin.blockinfile',
    args: { path: `${D}/bi1`, block: 'x=1\ny=2' },
    setup: `printf 'a\\n' > ${D}/bi1`,
    state: fileState(`${D}/bi1`),
  },
  {
    name: 'blockinfile custom marker before BOF',
    module: 'ansible.builtin.blockinfile',
    args: { path: `${D}/bi2`, marker: '# {mark} PARITY', block: 'k=v\n', insertbefore: 'BOF' },
    setup: `printf 'a\\nb\\n' > ${D}/bi2`,
    state: fileState(`${D}/bi2`),
  },
  {
    name: 'blockinfile updates the block in place',
    module: 'ansible.builtin.blockinfile',
    args: { path: `${D}/bi3`, block: 'new=1' },
    setup:
      `printf 'top\\n# BEGIN ANSIBLE MANAGED BLOCK\\nold=1\\nold=2\\n` +
      `# END ANSIBLE MANAGED BLOCK\\nbottom\\n' > ${D}/bi3`,
    state: fileState(`${D}/bi3`),
  },
  {
    name: 'blockinfile absent removes the block',
    module: 'ansible.builtin.blockinfile',
    args: { path: `${D}/bi4`, state: 'absent' },
    setup: `printf 'top\\n# BEGIN ANSIBLE MANAGED BLOCK\\nold=1\\n# END ANSIBLE MANAGED BLOCK\\nbottom\\n' > ${D}/bi4`,
    state: fileState(`${D}/bi4`),
  },
  {
    name: 'blockinfile create a new file',
    module: 'ansible.builtin.blockinfile',
    args: { path: `${D}/bi5`, block: 'only', create: true },
    state: fileState(`${D}/bi5`),
  },
  {
    name: 'blockinfile insertafter without a match goes to EOF',
    module: 'ansible.builtin.blockinfile',
    args: { path: `${D}/bi6`, block: 'b=1', insertafter: '^nomatch' },
    setup: `printf 'a\\n' > ${D}/bi6`,
    state: fileState(`${D}/bi6`),
  },
  // ---- replace
  {
    name: 'replace with a backreference',
    module: 'ansible.builtin.replace',
    args: { path: `${D}/rp1`, regexp: '^port=(\\d+)$', replace: 'listen=\\1' },
    setup: `printf 'port=80\\nname=x\\nport=443\\n' > ${D}/rp1`,
    state: fileState(`${D}/rp1`),
  },
  {
    name: 'replace between after and before',
    module: 'ansible.builtin.replace',
    args: { path: `${D}/rp2`, regexp: '^v=.*$', replace: 'v=new', after: '\\[b\\]', before: '\\[c\\]' },
    setup: `printf '[a]\\nv=1\\n[b]\\nv=2\\n[c]\\nv=3\\n' > ${D}/rp2`,
    state: fileState(`${D}/rp2`),
  },
  {
    name: 'replace without a match',
    module: 'ansible.builtin.replace',
    args: { path: `${D}/rp3`, regexp: '^nothing$', replace: 'x' },
    setup: `printf 'a\\n' > ${D}/rp3`,
    state: fileState(`${D}/rp3`),
  },
  {
    name: 'replace with a named group and unicode text',
    module: 'ansible.builtin.replace',
    args: { path: `${D}/rp4`, regexp: '^(?P<k>\\w+) = (?P<v>.*)$', replace: '\\g<k>=\\g<v> ✓' },
    setup: `printf 'a = 1\\nb = été\\n# c = 3\\n' > ${D}/rp4`,
    state: fileState(`${D}/rp4`),
  },
  {
    name: 'replace a regexp matching its own replacement: one pass per run',
    module: 'ansible.builtin.replace',
    args: { path: `${D}/rp5`, regexp: '^(.+)$', replace: '"\\1"' },
    setup: `printf 'a\\nb\\n' > ${D}/rp5`,
    state: fileState(`${D}/rp5`),
  },
  // ---- sysctl (net.* keys only: the others are read-only in the lab's containers)
  {
    name: 'sysctl into a new file',
    module: 'ansible.posix.sysctl',
    args: { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: `${D}/sysctl1.conf` },
    setup: 'sysctl -qw net.ipv4.ip_forward=0',
    state: `${fileState(`${D}/sysctl1.conf`)}; sysctl -n net.ipv4.ip_forward`,
  },
  {
    name: 'sysctl next to another key written with spaces',
    module: 'ansible.posix.sysctl',
    args: { name: 'net.ipv4.tcp_keepalive_time', value: '600', sysctl_file: `${D}/sysctl2.conf` },
    setup:
      'sysctl -qw net.ipv4.tcp_keepalive_time=7200; ' +
      `printf '# tuning\\nnet.core.somaxconn = 1024\\n' > ${D}/sysctl2.conf`,
    state: `${fileState(`${D}/sysctl2.conf`)}; sysctl -n net.ipv4.tcp_keepalive_time`,
    differs: (k, a) => {
      // Ansible rewrites every key line of the file as k=v; kplay only touches the key it manages
      expect([k.first, k.second, a.first, a.second]).to.deep.equal(['changed', 'ok', 'changed', 'ok']);
      expect(k.state).to.include('# tuning$\nnet.core.somaxconn = 1024$\nnet.ipv4.tcp_keepalive_time=600$\n<EOF>\n600');
      expect(a.state).to.include('# tuning$\nnet.core.somaxconn=1024$\nnet.ipv4.tcp_keepalive_time=600$\n<EOF>\n600');
    },
  },
  {
    name: 'sysctl absent removes the key from the file',
    module: 'ansible.posix.sysctl',
    args: { name: 'net.ipv4.tcp_fin_timeout', state: 'absent', sysctl_file: `${D}/sysctl3.conf` },
    setup: `printf 'net.ipv4.tcp_fin_timeout=30\\nnet.ipv4.tcp_syncookies=1\\n' > ${D}/sysctl3.conf`,
    state: fileState(`${D}/sysctl3.conf`),
  },
  // ---- modprobe (the lab's kernel has its modules built in)
  {
    name: 'modprobe persistent present',
    module: 'community.general.modprobe',
    args: { name: 'bridge', state: 'present', persistent: 'present' },
    setup: 'rm -f /etc/modules-load.d/bridge.conf /etc/modprobe.d/bridge.conf',
    state: fileState('/etc/modules-load.d/bridge.conf', '/etc/modprobe.d/bridge.conf'),
    differs: (k, a) => {
      // a kernel without loadable modules (no /proc/modules): kplay counts a built-in module as loaded;
      // Ansible fails reading /proc/modules. Where /proc/modules exists both must agree.
      if (!a.msg.includes('/proc/modules')) {
        expect(k).to.deep.equal({ ...a, msg: k.msg });
        return;
      }
      expect([k.first, k.second]).to.deep.equal(['changed', 'ok']);
      expect([a.first, a.second]).to.deep.equal(['failed', 'failed']);
      expect(k.state).to.include('bridge$\n<EOF>').and.include('absent /etc/modprobe.d/bridge.conf');
    },
  },
  // ---- group / user
  {
    name: 'group with a gid',
    module: 'ansible.builtin.group',
    args: { name: 'paritygrp', gid: 3501 },
    setup: 'userdel -r parityusr 2>/dev/null; groupdel paritygrp 2>/dev/null; true',
    state: 'getent group paritygrp',
  },
  {
    name: 'user with uid, group, shell, comment and a home',
    module: 'ansible.builtin.user',
    args: {
      name: 'parityusr',
      uid: 3502,
      group: 'paritygrp',
      shell: '/bin/bash',
      comment: 'Parity User',
      create_home: true,
    },
    state: `getent passwd parityusr; id parityusr; ${fileState('/home/parityusr')} | head -1`,
  },
  {
    name: 'user with supplementary groups',
    module: 'ansible.builtin.user',
    args: { name: 'parityusr2', uid: 3503, groups: ['paritygrp'], create_home: false },
    setup: 'userdel parityusr2 2>/dev/null; groupdel parityusr2 2>/dev/null; true',
    state: 'getent passwd parityusr2; id parityusr2; getent group parityusr2',
  },
  {
    name: 'user absent with remove',
    module: 'ansible.builtin.user',
    args: { name: 'paritygone', state: 'absent', remove: true },
    setup: 'userdel -r paritygone 2>/dev/null; useradd -m -u 3504 paritygone',
    state: `getent passwd paritygone; echo rc=$?; ${fileState('/home/paritygone')}`,
  },
  // ---- systemd
  {
    name: 'systemd started and enabled',
    module: 'ansible.builtin.systemd_service',
    args: { name: 'parity-tiny', state: 'started', enabled: true },
    setup:
      `systemctl disable --now parity-tiny 2>/dev/null; printf '${UNIT.replace(/\n/g, '\\n')}' ` +
      '> /etc/systemd/system/parity-tiny.service; systemctl daemon-reload',
    state: 'systemctl is-enabled parity-tiny; systemctl is-active parity-tiny',
  },
  {
    name: 'systemd stopped and disabled',
    module: 'ansible.builtin.systemd_service',
    args: { name: 'parity-tiny2', state: 'stopped', enabled: false },
    setup:
      `printf '${UNIT.replace(/\n/g, '\\n')}' > /etc/systemd/system/parity-tiny2.service; ` +
      'systemctl daemon-reload; systemctl enable --now parity-tiny2 2>/dev/null',
    state: 'systemctl is-enabled parity-tiny2; systemctl is-active parity-tiny2',
  },
  // ---- apt
  {
    name: 'apt installs a small package',
    module: 'ansible.builtin.apt',
    args: { name: 'hello', state: 'present' },
    setup: 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq hello >/dev/null 2>&1; true',
    state: "dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n' hello 2>&1",
  },
  {
    name: 'apt removes a package',
    module: 'ansible.builtin.apt',
    args: { name: 'tree', state: 'absent' },
    setup: 'dpkg -s tree >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tree >/dev/null 2>&1',
    state: "dpkg-query -W -f='${Package} ${db:Status-Abbrev}\\n' tree 2>&1",
  },
  // ---- unarchive
  {
    name: 'unarchive a tar.gz from the controller',
    module: 'ansible.builtin.unarchive',
    args: { src: 'parity.tgz', dest: `${D}/unarch` },
    setup: `mkdir -p ${D}/unarch`,
    state:
      `cd ${D}/unarch && find . -printf '%p %y %m %U:%G %s %l\\n' | sort && ` +
      "find . -type f -printf '%p %Ts\\n' | sort",
  },
  // ---- issue 14's new modules
  {
    name: 'known_hosts adds a key at the end, keeping the other lines',
    module: 'ansible.builtin.known_hosts',
    args: {
      path: `${D}/kh1`,
      name: 'git.example.org',
      key: 'git.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE5Yi5vBnJtklRp4AuA9PmUDt1P2iNn8fJQzz/OloSdx',
    },
    setup: `printf 'a.example.org ssh-rsa AAAAB3\\n# c\\n' > ${D}/kh1`,
    state: fileState(`${D}/kh1`),
  },
  {
    name: 'known_hosts state=absent removes the host',
    module: 'ansible.builtin.known_hosts',
    args: { path: `${D}/kh2`, name: 'git.example.org', state: 'absent' },
    setup: `printf 'git.example.org ssh-rsa AAAAB3\\nb.example.org ssh-rsa AAAAB4\\n' > ${D}/kh2`,
    state: fileState(`${D}/kh2`),
  },
  {
    name: "cron a job in root's crontab, beside a line already there",
    module: 'ansible.builtin.cron',
    args: { name: 'parity job', minute: '5', hour: '4', job: '/bin/true parity' },
    // cron and iptables (the cases below) in one apt call
    setup:
      'command -v crontab >/dev/null && command -v iptables >/dev/null || { apt-get update -qq && ' +
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cron iptables >/dev/null; }; ' +
      "printf 'MAILTO=ops\\n' | crontab -",
    state: 'crontab -l',
  },
  {
    name: 'cron a special_time job in a cron.d file',
    module: 'ansible.builtin.cron',
    args: { name: 'parity-d', user: 'root', special_time: 'daily', job: '/bin/true d', cron_file: 'kplay-parity' },
    setup: 'rm -f /etc/cron.d/kplay-parity',
    state: fileState('/etc/cron.d/kplay-parity'),
  },
  {
    name: 'iptables a rule with a comment in INPUT',
    module: 'ansible.builtin.iptables',
    args: { chain: 'INPUT', protocol: 'tcp', destination_port: '9443', jump: 'ACCEPT', comment: 'kplay parity' },
    setup: 'iptables -F INPUT',
    state: 'iptables -S INPUT',
  },
  {
    name: 'iptables a new chain made by chain_management',
    module: 'ansible.builtin.iptables',
    args: { chain: 'KPLAYPAR', source: '10.9.0.0/16', jump: 'RETURN', chain_management: true },
    setup: 'iptables -F KPLAYPAR 2>/dev/null; iptables -X KPLAYPAR 2>/dev/null; true',
    state: 'iptables -S KPLAYPAR',
  },
  {
    name: 'authorized_key adds a key with options after the keys there',
    module: 'ansible.posix.authorized_key',
    args: {
      user: 'root',
      path: `${D}/ak/authorized_keys`,
      key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE5Yi5vBnJtklRp4AuA9PmUDt1P2iNn8fJQzz/OloSdx ci@kplay',
      key_options: 'no-pty,from="10.0.0.0/8"',
    },
    setup:
      `mkdir -p ${D}/ak && chmod 755 ${D}/ak && ` +
      `printf '# team\\nssh-rsa   AAAAB3 old@x\\n' > ${D}/ak/authorized_keys`,
    state: fileState(`${D}/ak`, `${D}/ak/authorized_keys`),
  },
  {
    name: 'pam_limits a new limit in a new file',
    module: 'community.general.pam_limits',
    args: { dest: `${D}/limits1.conf`, domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 65536 },
    state: fileState(`${D}/limits1.conf`),
  },
  {
    name: 'pam_limits use_max keeps a larger value',
    module: 'community.general.pam_limits',
    args: {
      dest: `${D}/limits2.conf`,
      domain: '*',
      limit_type: 'hard',
      limit_item: 'nofile',
      value: 1024,
      use_max: true,
    },
    setup: `printf '* hard nofile 4096\\n' > ${D}/limits2.conf`,
    state: fileState(`${D}/limits2.conf`),
  },
  {
    name: 'pam_limits rewrites a limit that has a comment',
    module: 'community.general.pam_limits',
    args: { dest: `${D}/limits3.conf`, domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 10 },
    setup: `printf '# l\\n*   soft  nofile  1024  # c\\n@adm hard nproc 100\\n' > ${D}/limits3.conf`,
    state: fileState(`${D}/limits3.conf`),
    differs: (k, a) => {
      expect([k.first, k.second, a.first, a.second]).to.deep.equal(['changed', 'ok', 'changed', 'ok']);
      // the comment is kept by both; Ansible also writes a blank line after the rewritten one
      expect(k.state).to.include('# l$\n*^Isoft^Inofile^I10^I# c$\n@adm hard nproc 100$\n<EOF>');
      expect(a.state).to.include('# l$\n*^Isoft^Inofile^I10^I# c$\n$\n@adm hard nproc 100$\n<EOF>');
    },
  },
  {
    name: 'pam_limits appends to a file without a final newline',
    module: 'community.general.pam_limits',
    args: { dest: `${D}/limits4.conf`, domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 5 },
    setup: `printf 'x hard core 0' > ${D}/limits4.conf`,
    state: fileState(`${D}/limits4.conf`),
    differs: (k, a) => {
      // kplay ends the last line first; Ansible glues the new line to it, then finds no such limit again
      expect([k.first, k.second, a.first, a.second]).to.deep.equal(['changed', 'ok', 'changed', 'changed']);
      expect(k.state).to.include('x hard core 0$\n*^Isoft^Inofile^I5$\n<EOF>');
      expect(a.state).to.include('x hard core 0*^Isoft^Inofile^I5$\n*^Isoft^Inofile^I5$\n<EOF>');
    },
  },
  {
    name: 'pam_limits refuses a value that is not a number',
    module: 'community.general.pam_limits',
    args: { dest: `${D}/limits5.conf`, domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 'many' },
    state: fileState(`${D}/limits5.conf`),
    fails: true,
    differs: (k, a) => {
      expect([k.first, k.second, a.first, a.second]).to.deep.equal(['failed', 'failed', 'failed', 'failed']);
      expect(k.msg).to.include(a.msg);
      // Ansible makes the missing file before it checks the value
      expect([k.state, a.state]).to.deep.equal([
        `absent ${D}/limits5.conf`,
        `regular empty file 644 root:root ${D}/limits5.conf\n<EOF>`,
      ]);
    },
  },
  {
    name: 'find by pattern, recursing',
    module: 'ansible.builtin.find',
    args: { paths: `${D}/find`, patterns: '*.conf', recurse: true },
    setup: `mkdir -p ${D}/find/sub && touch ${D}/find/a.conf ${D}/find/sub/b.conf ${D}/find/c.txt`,
    state: `ls -R ${D}/find`,
  },
  {
    name: 'raw runs its line every time',
    module: 'ansible.builtin.raw',
    args: { _raw_params: `echo hi >> ${D}/raw1` },
    state: fileState(`${D}/raw1`),
  },
  {
    name: 'tempfile makes a new folder every time',
    module: 'ansible.builtin.tempfile',
    args: { state: 'directory', path: `${D}`, prefix: 'tmpd.' },
    state: `ls -d ${D}/tmpd.* | wc -l; stat -c '%a %U' ${D}/tmpd.* | sort -u`,
  },
  { name: 'ping answers', module: 'ansible.builtin.ping', args: {}, state: 'true' },
  {
    name: 'shell in a folder reached through a link runs in the real folder',
    module: 'ansible.builtin.shell',
    args: { _raw_params: `dirname "$PWD" > ${D}/pwd1`, chdir: `${D}/lnk/site` },
    setup: `mkdir -p ${D}/real/site && ln -sfn ${D}/real ${D}/lnk`,
    state: fileState(`${D}/pwd1`),
  },
  {
    name: 'command fails before running when chdir is missing',
    module: 'ansible.builtin.command',
    args: { _raw_params: `touch ${D}/nochdir`, chdir: `${D}/nope` },
    state: fileState(`${D}/nochdir`),
    fails: true,
  },
  {
    name: 'setup gathers again',
    module: 'ansible.builtin.setup',
    args: { filter: 'ansible_os_family' },
    state: 'true',
  },
  { name: 'package_facts reads dpkg', module: 'ansible.builtin.package_facts', args: {}, state: 'true' },
  ...CONTENT_CASES,
];

/** The Ansible-YAML play both tools run (the same text). */
/** The cases as one play (all of them by default). */
function playbook(which: (c: Case) => boolean = () => true): string {
  const tasks = cases
    .filter(which)
    .map((c) => ({ name: c.name, [c.module]: c.args, ...c.keywords, ignore_errors: true }));
  return stringify([{ hosts: 'all', gather_facts: false, vars: { parity_port: 8080, ...JINJA_VARS }, tasks }]);
}

function makeSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-parity-'));
  mkdirSync(join(dir, 'templates'));
  mkdirSync(join(dir, 'files'));
  // template files are Jinja, as in Ansible
  writeFileSync(join(dir, 'templates/parity.conf.j2'), 'port={{ parity_port }}\nname=parity\n');
  JINJA_TEMPLATES.forEach(([, text], i) => writeFileSync(join(dir, `templates/jinja-${i}.j2`), text));
  for (const [name, text] of Object.entries(JINJA_FILES)) writeFileSync(join(dir, 'templates', name), text);
  makeContentFiles(dir);
  const root = join(dir, 'arch');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'bin/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  writeFileSync(join(root, 'etc/a.conf'), 'a=1\n', { mode: 0o644 });
  symlinkSync('bin/tool', join(root, 'link'));
  for (const p of ['bin/tool', 'etc/a.conf', 'bin', 'etc', '.'])
    utimesSync(join(root, p), 1_600_000_000, 1_600_000_000);
  execFileSync('tar', ['-czf', join(dir, 'files/parity.tgz'), '--owner=0', '--group=0', '-C', root, '.']);
  writeFileSync(join(dir, 'site.yml'), playbook());
  // Ansible's side: the cases through Mitogen, then those it would do otherwise (Case.plain) without it
  writeFileSync(
    join(dir, 'mitogen.yml'),
    playbook((c) => c.plain !== true),
  );
  writeFileSync(
    join(dir, 'plain.yml'),
    playbook((c) => c.plain === true),
  );
  return dir;
}

interface Round {
  status: Map<string, Status>;
  msg: Map<string, string>;
}

async function runAnsible(lab: LabHandle, dir: string, host: string): Promise<Round> {
  const round: Round = { status: new Map(), msg: new Map() };
  for (const [file, mitogen] of [
    ['mitogen.yml', true],
    ['plain.yml', false],
  ] as const)
    await ansibleRound(lab, dir, host, file, mitogen, round);
  return round;
}

async function ansibleRound(lab: LabHandle, dir: string, host: string, file: string, mitogen: boolean, round: Round) {
  const r = await ansiblePlaybook(
    ['-i', lab.hostsFile, '--limit', host, '-e', 'ansible_python_interpreter=/usr/bin/python3', file],
    dir,
    { mitogen },
  );
  const start = r.stdout.indexOf('{');
  if (start < 0) throw new Error(`ansible-playbook gave no JSON (rc=${r.code}): ${r.stderr}\n${r.stdout}`);
  const out = JSON.parse(r.stdout.slice(start)) as {
    plays: {
      tasks: {
        task: { name: string };
        hosts: Record<string, { changed?: boolean; failed?: boolean; msg?: unknown; stderr?: string }>;
      }[];
    }[];
  };
  for (const t of out.plays.flatMap((p) => p.tasks)) {
    const h = t.hosts[host];
    if (!h) continue;
    round.status.set(t.task.name, h.failed ? 'failed' : h.changed ? 'changed' : 'ok');
    round.msg.set(
      t.task.name,
      `${typeof h.msg === 'string' ? h.msg : JSON.stringify(h.msg ?? '')} ${h.stderr ?? ''}`.trim(),
    );
  }
}

async function runKplay(site: string, dir: string, host: string): Promise<Round> {
  const r = await kplay(['run', join(dir, 'site.yml'), '-i', site, '--json', '--limit', host]);
  const round: Round = { status: new Map(), msg: new Map() };
  for (const e of r.events.filter((x) => x.type === 'host_result' && x.host === host)) {
    const s = String(e.status);
    round.status.set(
      String(e.task),
      s === 'ignored' || s === 'failed' ? 'failed' : s === 'changed' ? 'changed' : s === 'ok' ? 'ok' : (s as Status),
    );
    round.msg.set(String(e.task), String(e.msg ?? ''));
  }
  if (round.status.size === 0)
    throw new Error(`kplay reported no results (rc=${r.code}): ${r.stderr}\n${r.stdout.slice(-3000)}`);
  return round;
}

/** Every case's state printed on a host, one section per case. */
async function states(lab: LabHandle, host: string): Promise<Map<string, string>> {
  const script = cases.map((c, i) => `echo '@@${i}@@'; ( ${c.state} ) 2>&1`).join('\n');
  const r = await lab.exec(host, script);
  const out = new Map<string, string>();
  const parts = r.stdout.split(/^@@(\d+)@@\n/m);
  for (let i = 1; i < parts.length; i += 2) out.set(cases[Number(parts[i])]!.name, parts[i + 1]!.trimEnd());
  return out;
}

describe('@lab @parity kplay and Ansible give the same results', () => {
  let lab: LabHandle;
  const kp: Outcome[] = [];
  const an: Outcome[] = [];
  let docs = '';

  before(async function () {
    this.timeout(1_200_000);
    lab = await useLab(this, { count: 3 });
    this.timeout(1_200_000); // useLab set its own
    const A = lab.hosts[1]!.name;
    const B = lab.hosts[2]!.name;
    const site = siteFor(lab);
    const dir = makeSite();
    docs = readFileSync('docs/ansible-differences.md', 'utf8');
    // Ansible needs python3 (and python3-apt for its apt module) on its host
    const py = await lab.exec(
      B,
      'command -v python3 >/dev/null && python3 -c "import apt" 2>/dev/null || { apt-get update -qq ' +
        '&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-apt >/dev/null; }',
    );
    if (py.code !== 0) throw new Error(`cannot install python3 on ${B}: ${py.stderr}`);
    const lists = await lab.exec(A, 'ls /var/lib/apt/lists | grep -q Packages || apt-get update -qq');
    if (lists.code !== 0) throw new Error(`apt-get update on ${A}: ${lists.stderr}`);
    const setup = [`rm -rf ${D}; mkdir -p ${D}`, ...cases.filter((c) => c.setup).map((c) => `( ${c.setup} )`)].join(
      '\n',
    );
    await Promise.all(
      [A, B].map(async (h) => {
        const r = await lab.exec(h, setup);
        if (r.code !== 0) throw new Error(`setup on ${h}: ${r.stderr}`);
      }),
    );
    const rounds: [Round, Round][] = [];
    for (let i = 0; i < 2; i++) rounds.push(await Promise.all([runKplay(site, dir, A), runAnsible(lab, dir, B)]));
    const [sa, sb] = await Promise.all([states(lab, A), states(lab, B)]);
    for (const c of cases) {
      const out = (r: Round[], s: Map<string, string>): Outcome => ({
        first: r[0]!.status.get(c.name) ?? 'missing',
        second: r[1]!.status.get(c.name) ?? 'missing',
        state: s.get(c.name) ?? '',
        msg: r[0]!.msg.get(c.name) ?? '',
      });
      kp.push(
        out(
          rounds.map((r) => r[0]),
          sa,
        ),
      );
      an.push(
        out(
          rounds.map((r) => r[1]),
          sb,
        ),
      );
    }
    if (process.env.KPLAY_PARITY_OUT)
      writeFileSync(
        process.env.KPLAY_PARITY_OUT,
        JSON.stringify(
          cases.map((c, i) => ({ case: c.name, kplay: kp[i], ansible: an[i] })),
          null,
          1,
        ),
      );
  });

  after(async function () {
    this.timeout(60_000);
    if (!lab) return;
    const undo =
      'systemctl disable --now parity-tiny parity-tiny2 2>/dev/null; rm -f ' +
      '/etc/systemd/system/parity-tiny*.service /etc/modules-load.d/bridge.conf; systemctl daemon-reload; ' +
      'userdel -r parityusr 2>/dev/null; userdel parityusr2 2>/dev/null; userdel -r paritygone ' +
      '2>/dev/null; groupdel paritygrp 2>/dev/null; groupdel parityusr2 2>/dev/null; ' +
      `sysctl -qw net.ipv4.ip_forward=0 net.ipv4.tcp_keepalive_time=7200; rm -rf ${D}; true`;
    await Promise.all([lab.hosts[1]!.name, lab.hosts[2]!.name].map((h) => lab.exec(h, undo)));
  });

  it('has at least 25 cases, each with its own name', () => {
    expect(cases.length).to.be.at.least(25);
    expect(new Set(cases.map((c) => c.name)).size).to.equal(cases.length);
  });

  cases.forEach((c, i) => {
    it(c.name, () => {
      const k = kp[i]!;
      const a = an[i]!;
      const why = `kplay: ${JSON.stringify(k, null, 1)}\nansible: ${JSON.stringify(a, null, 1)}`;
      if (c.differs) {
        expect(docs, `"${c.name}" must be listed in docs/ansible-differences.md`).to.include(`| ${c.name} |`);
        try {
          c.differs(k, a);
        } catch (e) {
          (e as Error).message += `\n${why}`;
          throw e;
        }
        return;
      }
      expect(docs, `"${c.name}" is listed as a difference but kplay and Ansible are expected to agree`).to.not.include(
        `| ${c.name} |`,
      );
      expect({ first: k.first, second: k.second, state: k.state }, why).to.deep.equal({
        first: a.first,
        second: a.second,
        state: a.state,
      });
      expect(k.first, why).to.equal(
        c.fails ? 'failed' : k.first === 'failed' || k.first === 'missing' ? 'not failed' : k.first,
      );
    });
  });
});
