// Wires a checked run to real hosts: transports, facts, renderers, Ctrl-C. Kept apart from run.ts so the
// executor can be driven by tests with other transports.
import { EventBus } from './events.js';
import { createRun, type RunInput } from './run.js';
import { gatherFacts } from './transport/facts.js';
import { openTransport } from './transport/pool.js';
import { jsonRenderer, plainRenderer } from './ui/plain.js';
import type { Output } from '../output.js';

export interface ExecuteInput extends Omit<RunInput, 'bus' | 'open' | 'gather'> {
  json: boolean;
}

export async function execute(input: ExecuteInput, out: Output): Promise<number> {
  const bus = new EventBus();
  const write = (s: string) => out.print(s.endsWith('\n') ? s.slice(0, -1) : s);
  bus.on(input.json ? jsonRenderer(write) : plainRenderer(write, { check: input.opts.check }));
  const handle = createRun({ ...input, bus, open: openTransport, gather: gatherFacts });
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(99);
    out.error('\n[kplay] interrupted: letting running tasks finish (Ctrl-C again to quit at once)');
    handle.stop();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await handle.run();
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
