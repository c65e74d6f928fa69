// selinux: state enforcing/permissive/disabled, policy, configfile=/etc/selinux/config. SELinux is absent
// when neither /sys/fs/selinux/enforce nor the config file exists (a Debian host): the task is ok with a
// msg, nothing planned. Otherwise SELINUX= (and SELINUXTYPE= when a policy is given) are set in the config,
// and the live mode with `setenforce` when the kernel runs SELinux; `reboot_required` tells when the
// change only takes effect at boot (enabling a disabled SELinux, or disabling it).
import type { Change, Plan, Vars } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { splitLines } from '../lib/py-regex.js';
import { abool, astr, choice, defineTask, apath } from '../lib/schema.js';
import { needDir, probeKey, readText } from './shared.js';

export const selinux = defineTask({
  name: 'selinux',
  description: 'Set the SELinux mode and policy (config file and, when running, setenforce).',
  args: {
    state: choice(['enforcing', 'permissive', 'disabled']),
    policy: astr(),
    configfile: apath().default('/etc/selinux/config'),
    update_kernel_param: abool().default(false),
  },
  argAliases: { conf: 'configfile', file: 'configfile' },
  required: ['state'],
  returns: {
    msg: 'what was done',
    state: 'the state asked for',
    policy: 'the policy',
    configfile: 'the config file',
    reboot_required: 'true when a reboot is needed for the change',
  },
  example: '- selinux: state=disabled',
  async plan(args, _host, facts): Promise<Plan> {
    if (args.update_kernel_param) throw taskFailed('selinux: update_kernel_param is not supported by kplay');
    const state = args.state!;
    const conf = await readText(facts, args.configfile);
    const enforce = await facts.probe(['cat', '/sys/fs/selinux/enforce']);
    const running = enforce.rc === 0 && /^[01]$/.test(enforce.stdout.trim());
    const result: Vars = { state, configfile: args.configfile, reboot_required: false };
    if (!running && !conf.exists)
      return {
        changes: [],
        result: {
          ...result,
          policy: args.policy,
          msg: 'SELinux is not present on this host (no /sys/fs/selinux/enforce, no config): nothing to do',
        },
      };
    const lines = splitLines(conf.text);
    const get = (k: string) =>
      lines
        .map((l) => new RegExp(`^\\s*${k}\\s*=\\s*(\\S*)`).exec(l)?.[1])
        .filter((x) => x !== undefined)
        .at(-1);
    const policy = args.policy ?? get('SELINUXTYPE');
    if (state !== 'disabled' && !policy) throw taskFailed("selinux: policy is required if state is not 'disabled'");
    result.policy = policy;
    const set = (k: string, v: string, ls: string[]) => {
      const i = ls.findIndex((l) => new RegExp(`^\\s*${k}\\s*=`).test(l));
      if (i < 0) ls.push(`${k}=${v}\n`);
      else ls[i] = `${k}=${v}\n`;
    };
    const next = [...lines];
    if (next.length && !next.at(-1)!.endsWith('\n')) next[next.length - 1] += '\n';
    set('SELINUX', state, next);
    if (policy && args.policy !== undefined) set('SELINUXTYPE', policy, next);
    const after = next.join('');
    const changes: Change[] = [];
    const msgs: string[] = [];
    const configured = get('SELINUX');
    if (after !== conf.text && (configured !== state || (args.policy !== undefined && get('SELINUXTYPE') !== policy))) {
      if (!conf.exists) await needDir(facts, args.configfile);
      changes.push({
        summary: `selinux: ${args.configfile}: SELINUX=${state}${args.policy ? ` SELINUXTYPE=${policy}` : ''}`,
        diff: { path: args.configfile, before: conf.text, after },
        actions: [{ put: args.configfile, content: Buffer.from(after) }],
        touches: [`file:${args.configfile}`],
      });
      msgs.push(`Config SELinux state changed from '${configured ?? ''}' to '${state}'`);
    }
    if (running) {
      const live = enforce.stdout.trim() === '1' ? 'enforcing' : 'permissive';
      const wantLive = state === 'disabled' ? 'permissive' : state;
      if (live !== wantLive) {
        changes.push({
          summary: `selinux: setenforce ${wantLive === 'enforcing' ? 1 : 0}`,
          actions: [{ exec: ['setenforce', wantLive === 'enforcing' ? '1' : '0'] }],
          touches: [probeKey(['cat', '/sys/fs/selinux/enforce'])],
        });
        msgs.push(`Running SELinux state changed from '${live}' to '${wantLive}'`);
      }
      if (state === 'disabled') result.reboot_required = true;
    } else if (state !== 'disabled') result.reboot_required = true;
    if (!changes.length) result.reboot_required = false;
    result.msg = msgs.length ? msgs.join(', ') + (result.reboot_required ? ', a reboot is required' : '') : '';
    return { changes, result };
  },
});
