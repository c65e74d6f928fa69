// What the check-mode prediction tests share: actions and changes written short.
import type { Action, Change } from '../../../src/tasks/contract.js';

export const x = (...argv: string[]): Action => ({ exec: argv });
export const put = (path: string, text: string, o: { mode?: string; owner?: string; group?: string } = {}): Action => ({
  put: path,
  content: Buffer.from(text),
  ...o,
});
export const NO_FACTS = async () => ({});
export const NO_BECOME = () => false;
export const ch = (touches: string[], ...actions: Action[]): Change => ({ summary: 'planned', actions, touches });
