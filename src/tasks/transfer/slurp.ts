// slurp: the host's file, base64, in the result (`content`, `encoding: base64`, `source`); never a change.
import type { Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { defineTask, apath } from '../lib/schema.js';

export const slurp = defineTask({
  name: 'slurp',
  description: 'Read a file on the host into the result, base64-encoded (`content`); nothing changes.',
  args: { src: apath() },
  argAliases: { path: 'src' },
  required: ['src'],
  returns: { content: 'the file, base64', encoding: "'base64'", source: 'the path read' },
  example: '- slurp: src=/etc/kubernetes/ssl/ca.pem\n  register: ca\n- debug: msg="{{ ca.content | b64decode }}"',
  async plan(args, _host, facts): Promise<Plan> {
    const src = args.src!;
    const st = await facts.stat(src, { follow: true });
    if (!st.exists) throw taskFailed(`file not found: ${src}`);
    if (st.isdir) throw taskFailed(`source is a directory and must be a file: ${src}`);
    const b = await facts.read(src);
    if (b === undefined) throw taskFailed(`file not found: ${src}`);
    return { changes: [], result: { content: b.toString('base64'), encoding: 'base64', source: src } };
  },
});
