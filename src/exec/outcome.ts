// What running one task on one host comes to: the value task, module and controller execution hand back.
import type { HostResultEvent, HostStatus } from '../events/bus.js';
import type { Vars } from '../core/types.js';

export interface Outcome {
  status: HostStatus;
  msg?: string | undefined;
  result: Vars;
  diff?: HostResultEvent['diff'];
  changes?: string[] | undefined;
  /** meta tasks ask the strategy for something */
  meta?: string | undefined;
  /** Host variables a controller module set (set_fact, include_vars): the journal keeps them for --resume. */
  setFacts?: Vars | undefined;
  /** What the output shows after `=>` (debug's message or variable). */
  show?: Record<string, unknown> | undefined;
  /** no_log as rendered for this host (any loop item saying so hides the whole result). */
  noLog?: boolean | undefined;
}

/** Errors that mean the host cannot be reached at all (Ansible's UNREACHABLE). */
export const UNREACHABLE_CODES = new Set(['UNREACHABLE', 'HOST_KEY', 'AUTH']);
