// What a long change is doing, told while it runs: a change still running PROGRESS_AFTER_MS after it started
// sends a host_progress event (its summary: "run: sleep 30", "apt: install nginx", "get_url: https://… → /x"),
// and again every PROGRESS_EVERY_MS, until it ends. The live view shows it beside the host's elapsed time; fast
// changes send nothing. Modules stay plans as data: the engine times the changes it applies (apply.ts).
import type { EventBus } from '../events/bus.js';

export const PROGRESS_AFTER_MS = 1000;
export const PROGRESS_EVERY_MS = 10_000;

/** Starts timing one change (its summary, its place among the plan's changes); the function returned stops it. */
export type ChangeWatch = (summary: string, index: number, count: number) => () => void;

export function progressWatch(
  bus: EventBus,
  at: { host: string; task: string; taskId: string },
  hidden: boolean,
  after = PROGRESS_AFTER_MS,
  every = PROGRESS_EVERY_MS,
): ChangeWatch {
  return (summary, index, count) => {
    const start = Date.now();
    // under no_log the summary (it may name a secret's path or value) stays out: only the time is told
    const msg = hidden ? undefined : count > 1 ? `${summary} (${index + 1}/${count})` : summary;
    const tell = () => bus.emit({ type: 'host_progress', ...at, msg, ms: Date.now() - start });
    let repeat: NodeJS.Timeout | undefined;
    const first = setTimeout(() => {
      tell();
      repeat = setInterval(tell, every).unref();
    }, after).unref();
    return () => {
      clearTimeout(first);
      if (repeat) clearInterval(repeat);
    };
  };
}
