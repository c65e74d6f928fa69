// ansible.cfg, found and read as Ansible finds and reads it, for the settings kplay honours ([defaults] roles_path).
// Found: $ANSIBLE_CONFIG (a folder stands for its ansible.cfg), ./ansible.cfg unless the current folder is
// world-writable, ~/.ansible.cfg, /etc/ansible/ansible.cfg: the first that exists and can be read.
// Read as Python's configparser reads it for Ansible: `[section]` headers, `key = value` or `key: value` (the
// first = or : splits), keys in any case, whole-line comments starting with # or ;, an inline comment from a `;`
// after a space, a line indented deeper than its key continuing the value, values raw (no % interpolation), and
// [DEFAULT] giving every section its keys. What configparser refuses (a line before any section, a line with no
// = or :, a section or a key given twice) is refused with its position.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Loc, Problems } from '../core/errors.js';
import { rememberText } from '../core/source-text.js';

export interface CfgValue {
  value: string;
  loc: Loc;
}

/** Section name -> key (lower case) -> value. */
export type Cfg = Map<string, Map<string, CfgValue>>;

/** `~` and `$VAR`/`${VAR}` expanded as Python's expanduser/expandvars do (an unset variable stays as written). */
export function expandPath(p: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || homedir();
  const user = p === '~' || p.startsWith('~/') ? home + p.slice(1) : p;
  return user.replace(/\$(\w+|\{[^}]*\})/g, (all, name: string) => {
    const v = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return v === undefined ? all : v;
  });
}

/** The ansible.cfg Ansible would read, or undefined. */
export function findAnsibleCfg(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const candidates: string[] = [];
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv !== undefined) {
    const p = resolve(cwd, expandPath(fromEnv, env));
    candidates.push(isDir(p) ? join(p, 'ansible.cfg') : p);
  }
  // a world-writable working folder is skipped: anyone could have left an ansible.cfg there
  if (!worldWritable(cwd)) candidates.push(join(cwd, 'ansible.cfg'));
  candidates.push(join(expandPath('~', env), '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return candidates.find(readable);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function worldWritable(p: string): boolean {
  try {
    return (statSync(p).mode & 0o002) !== 0;
  } catch {
    return true;
  }
}

function readable(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return existsSync(p);
  } catch {
    return false;
  }
}

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Parse ansible.cfg text; problems are added with their position. */
export function parseAnsibleCfg(text: string, file: string, problems: Problems): Cfg {
  rememberText(file, text);
  const cfg: Cfg = new Map();
  const seen = new Set<string>();
  let section: Map<string, CfgValue> | undefined;
  let sectionName = '';
  let key: string | undefined;
  let keyIndent = Number.POSITIVE_INFINITY;
  const fail = (msg: string, line: number, col: number) =>
    problems.add(`ansible.cfg: ${msg}`, { code: 'OPTIONS', loc: { file, line, col } });
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    let cut = raw.length;
    for (let at = raw.indexOf(';'); at >= 0; at = raw.indexOf(';', at + 1))
      if (at === 0 || /\s/.test(raw[at - 1]!)) {
        cut = at;
        break;
      }
    const stripped = raw.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    const value = raw.slice(0, cut).trim();
    if (!value) {
      if (cut === raw.length && section && key) section.get(key)!.value += '\n';
      return;
    }
    const indent = raw.length - raw.trimStart().length;
    if (section && key && indent > keyIndent) {
      section.get(key)!.value += `\n${value}`;
      return;
    }
    keyIndent = indent;
    const col = indent + 1;
    const head = SECTION.exec(value);
    if (head) {
      sectionName = head[1]!;
      if (seen.has(sectionName)) fail(`section [${sectionName}] is given twice`, line, col);
      seen.add(sectionName);
      section = cfg.get(sectionName) ?? new Map();
      cfg.set(sectionName, section);
      key = undefined;
      return;
    }
    if (!section) return fail(`'${value}' comes before any [section]`, line, col);
    const m = OPTION.exec(value);
    if (!m?.[1]) {
      key = undefined;
      return fail(`'${value}' is neither a [section] nor a key = value line`, line, col);
    }
    key = m[1].trimEnd().toLowerCase();
    if (seen.has(`${sectionName}\0${key}`)) fail(`'${key}' is given twice in [${sectionName}]`, line, col);
    seen.add(`${sectionName}\0${key}`);
    section.set(key, { value: m[3]!, loc: { file, line, col: col + value.length - m[3]!.length } });
  });
  for (const s of cfg.values()) for (const v of s.values()) v.value = v.value.trimEnd();
  return cfg;
}

/** A key of a section, or of [DEFAULT]. */
export function cfgGet(cfg: Cfg, section: string, key: string): CfgValue | undefined {
  return cfg.get(section)?.get(key) ?? cfg.get('DEFAULT')?.get(key);
}

/** Read the ansible.cfg Ansible would read (undefined when there is none). */
export function readAnsibleCfg(
  problems: Problems,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): { file: string; cfg: Cfg } | undefined {
  const file = findAnsibleCfg(env, cwd);
  if (!file) return undefined;
  return { file, cfg: parseAnsibleCfg(readFileSync(file, 'utf8'), file, problems) };
}
