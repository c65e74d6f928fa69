// swap (kplay's own, for kubeasz's "swapoff -a && sed -i '/swap/d' /etc/fstab"): state=absent runs
// `swapoff -a` when /proc/swaps lists any swap, and comments out (`#`) every active swap line of fstab, so
// it stays off after a reboot. Converges: no active swap and no uncommented swap line → ok.
import type { Change, Plan } from '../contract.js';
import { splitLines } from '../lib/py-regex.js';
import { choice, defineTask, apath } from '../lib/schema.js';
import { activeSwaps, fstabEntries, SWAPS } from './fstab.js';
import { probeKey, readText } from './shared.js';

export const swap = defineTask({
  name: 'swap',
  description: 'kplay: turn swap off now (swapoff -a) and for good (swap lines in fstab commented out).',
  args: { state: choice(['absent']).default('absent'), fstab: apath().default('/etc/fstab') },
  returns: { swaps: 'the swap areas that were active', lines: 'the fstab lines commented out' },
  example: '- swap: state=absent',
  async plan(args, _host, facts): Promise<Plan> {
    const active = await activeSwaps(facts);
    const changes: Change[] = [];
    if (active.length)
      changes.push({
        summary: `swap: swapoff -a (${active.join(', ')})`,
        actions: [{ exec: ['swapoff', '-a'] }],
        touches: [probeKey(SWAPS)],
      });
    const { exists, text } = await readText(facts, args.fstab);
    const lines = splitLines(text);
    const swaps = fstabEntries(lines).filter((e) => e.fstype === 'swap');
    if (exists && swaps.length) {
      const next = [...lines];
      for (const s of swaps) next[s.idx] = `#${next[s.idx]}`;
      const after = next.join('');
      changes.push({
        summary: `swap: comment out ${swaps.length} swap line(s) in ${args.fstab}`,
        diff: { path: args.fstab, before: text, after },
        actions: [{ put: args.fstab, content: Buffer.from(after) }],
        touches: [`file:${args.fstab}`],
      });
    }
    return { changes, result: { swaps: active, lines: swaps.map((s) => lines[s.idx]!.replace(/\n$/, '')) } };
  },
});
