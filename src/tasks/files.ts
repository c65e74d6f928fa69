// Files on the host: copy, template, file, lineinfile, stat.
import { z } from 'zod';
import { abool, amode, astr, choice, defineModule } from './schema.js';

const attrs = { mode: amode(), owner: astr(), group: astr() };

export const copy = defineModule({
  name: 'copy',
  description: 'Put a file on the host from the controller (src) or from inline content; atomic, sent only when it differs.',
  args: {
    src: astr(), content: z.unknown(), dest: astr(), backup: abool().default(false), force: abool().default(true),
    remote_src: abool().default(false), validate: astr(), directory_mode: amode(), follow: abool().default(false), ...attrs,
  },
  required: ['dest'],
  requiredOneOf: [['src', 'content']],
  mutuallyExclusive: [['src', 'content']],
  returns: { dest: 'destination path', checksum: 'sha1 of the file', backup_file: 'backup path when backup=yes' },
  example: '- copy:\n    content: "{{ etcd_env }}"\n    dest: /etc/etcd/etcd.env\n    mode: "0600"',
});

export const template = defineModule({
  name: 'template',
  description: 'Render a Handlebars template on the controller and put the result on the host.',
  args: { src: astr(), dest: astr(), backup: abool().default(false), force: abool().default(true), validate: astr(), ...attrs },
  required: ['src', 'dest'],
  returns: copy.returns!,
  example: '- template: src=haproxy.cfg.hbs dest=/etc/haproxy/haproxy.cfg validate="haproxy -c -f %s"',
});

export const file = defineModule({
  name: 'file',
  description: 'Set the state of a path: directory, file, link, hard link, touch or absent, with mode and owner.',
  args: {
    path: astr(), state: choice(['absent', 'directory', 'file', 'hard', 'link', 'touch']), src: astr(),
    recurse: abool().default(false), force: abool().default(false), follow: abool().default(true),
    modification_time: astr(), access_time: astr(), ...attrs,
  },
  argAliases: { dest: 'path', name: 'path' },
  required: ['path'],
  requiredIf: [['state', 'link', ['src']], ['state', 'hard', ['src']]],
  returns: { path: 'the path', state: 'its state after the task' },
  example: '- file: path=/etc/kubernetes/ssl state=directory mode=0755',
});

export const lineinfile = defineModule({
  name: 'lineinfile',
  description: 'Make sure one line is present (or absent) in a file, replacing the line a regexp matches.',
  args: {
    path: astr(), regexp: astr(), search_string: astr(), state: choice(['present', 'absent']).default('present'),
    line: astr(), backrefs: abool().default(false), insertafter: astr(), insertbefore: astr(),
    create: abool().default(false), backup: abool().default(false), firstmatch: abool().default(false), validate: astr(), ...attrs,
  },
  argAliases: { dest: 'path', destfile: 'path', name: 'path', regex: 'regexp', value: 'line' },
  required: ['path'],
  mutuallyExclusive: [['insertbefore', 'insertafter'], ['regexp', 'search_string']],
  requiredIf: [['state', 'present', ['line']]],
  example: '- lineinfile: path=/etc/fstab regexp="\\sswap\\s" state=absent',
});

export const stat = defineModule({
  name: 'stat',
  description: 'Read what a path is (exists, type, mode, owner, size, checksum) without changing it.',
  args: {
    path: astr(), follow: abool().default(false), get_checksum: abool().default(true),
    checksum_algorithm: choice(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha1'),
    get_mime: abool().default(true), get_attributes: abool().default(true),
  },
  argAliases: { dest: 'path', name: 'path', checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm' },
  required: ['path'],
  returns: { 'stat.exists': 'whether the path exists', 'stat.isdir': 'a directory', 'stat.islnk': 'a symlink', 'stat.mode': 'octal mode', 'stat.checksum': 'checksum' },
  example: '- stat: path=/etc/etcd/ssl/ca.pem\n  register: ca',
});
