// What blockinfile and replace share: text as bytes, the change that writes the result.
import type { Action, Change, StatInfo } from '../contract.js';
import {
  backupAction,
  backupName,
  fixAttrs,
  NEW_FILE_MODE,
  octal,
  parseOctal,
  resolveMode,
  type ModeArg,
} from '../lib/fsattrs.js';

/** User text (UTF-8) as the latin1 "bytes" string a file is handled as. */
export const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');
export const bare = (l: string) => l.replace(/\r?\n$/, '');

interface WriteArgs {
  backup: boolean;
  validate?: string | undefined;
  mode?: ModeArg;
  owner?: string | undefined;
  group?: string | undefined;
}

/** The change writing `after` (or only fixing attributes when unchanged). */
export function writeChanges(
  module: string,
  target: string,
  st: StatInfo,
  before: string | undefined,
  after: string,
  msg: string,
  a: WriteArgs,
  pre: Action[],
  result: Record<string, unknown>,
  latin1: boolean,
): Change[] {
  const touches = [`file:${target}`];
  const enc = latin1 ? 'latin1' : 'utf8';
  if (before !== after) {
    const actions = [...pre];
    if (a.backup && st.exists) {
      result.backup_file = backupName(target);
      actions.push(backupAction(target, result.backup_file as string));
    }
    const mode = resolveMode(a.mode, parseOctal(st.mode) ?? NEW_FILE_MODE, false);
    actions.push({
      put: target,
      content: Buffer.from(after, enc),
      mode: mode === undefined ? undefined : octal(mode),
      owner: a.owner,
      group: a.group,
      validate: a.validate,
    });
    const show = (s: string | undefined) => (s === undefined ? '' : latin1 ? utf8(s) : s);
    return [
      {
        summary: `${module}: ${target}: ${msg}`,
        diff: { path: target, before: show(before), after: show(after) },
        actions,
        touches,
      },
    ];
  }
  if (!st.exists) return [];
  const fix = fixAttrs(target, st, a);
  if (!fix.actions.length) return [];
  result.msg = result.msg
    ? `${result.msg} and ownership, perms or SE linux context changed`
    : 'ownership, perms or SE linux context changed';
  return [{ summary: `${module}: ${target}: ${fix.parts.join(', ')}`, actions: fix.actions, touches }];
}
