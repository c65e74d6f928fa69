// The contracts between loader, planner and executor. Data only, no logic.
import type { KplayError, Loc } from './errors.js';

export type Vars = Record<string, unknown>;

/** A value as written, or a template (`"{{ x }}"`) rendered for each host at run time. */
export type Templated<T> = T | string;
/** A condition as written: an expression, a literal, or a list of them (all must hold). */
export type ConditionValue = string | boolean | number | (string | boolean)[];

/**
 * The keywords of a task, block, role entry or play, as written and inherited, with the types the loader's
 * checks (playbook/keywords.ts) allow: a value that fails them is a problem reported before the run, so
 * the executor reads these types, never an untyped map.
 */
export interface TaskKeywords {
  become?: Templated<boolean>;
  become_user?: string | number;
  become_method?: string;
  become_flags?: string | number;
  environment?: Vars | string | null;
  ignore_errors?: Templated<boolean>;
  ignore_unreachable?: Templated<boolean>;
  any_errors_fatal?: Templated<boolean>;
  run_once?: Templated<boolean>;
  delegate_to?: string | number;
  delegate_facts?: Templated<boolean>;
  /** `local` runs the task on the controller (the host's variables kept), as delegating to localhost does. */
  connection?: string;
  check_mode?: Templated<boolean>;
  diff?: Templated<boolean>;
  no_log?: Templated<boolean>;
  throttle?: Templated<number>;
  timeout?: Templated<number>;
  remote_user?: string | number;
  port?: Templated<number>;
  module_defaults?: Vars | string | null;
  loop?: unknown;
  loop_control?: Vars;
  with_items?: unknown;
  with_list?: unknown;
  with_dict?: unknown;
  with_indexed_items?: unknown;
  with_together?: unknown;
  with_nested?: unknown;
  with_flattened?: unknown;
  with_sequence?: unknown;
  with_subelements?: unknown;
  with_fileglob?: unknown;
  with_first_found?: unknown;
  with_lines?: unknown;
  with_random_choice?: unknown;
  register?: string;
  notify?: string | number | (string | number)[];
  listen?: string | number | (string | number)[];
  changed_when?: ConditionValue;
  failed_when?: ConditionValue;
  until?: ConditionValue;
  retries?: Templated<number>;
  delay?: Templated<number>;
  [other: string]: unknown;
}

/** What blocks, roles, imports and plays pass down to the tasks inside them. */
export interface Inherited {
  when: Condition[]; // all must hold
  tags: string[];
  vars: Vars; // block vars merged, outermost first
  keywords: TaskKeywords; // become, environment, ignore_errors ... as written by the enclosing block/role/play
  role: RoleInstance | undefined;
  /** Inside a block's `block:` part whose `rescue:` has tasks. */
  rescued?: boolean;
}

export interface Condition {
  source: string | boolean | number;
  loc: Loc | undefined;
}

export interface TaskBase {
  id: string; // stable: file:line:col of the task
  name: string | undefined;
  loc: Loc;
  /** The task's mapping as written (positions of its keys and values come from it). */
  raw: Vars;
  /** Keyword values as written, inherited ones included (templates are rendered at run time). */
  keywords: TaskKeywords;
  when: Condition[];
  tags: string[]; // effective, inherited included
  role: RoleInstance | undefined;
  vars: Vars; // merged block + task vars (role vars live on the role)
}

export interface Task extends TaskBase {
  kind: 'task';
  module: string; // canonical module name
  args: Vars; // raw args: may contain {{ }}; `_raw_params` for free-form modules
  argLocs: (key: string) => Loc | undefined;
  /** Argument problems of a task whose failure the playbook handles (ignore_errors, a block's rescue), as
   *  Ansible's tests of bad arguments do: warned before the run, the task fails when it runs. */
  deferred?: KplayError[];
  /** The playbook handles this task's failure (ignore_errors, rescue): its problems are `deferred`. */
  mayFail?: boolean;
}

export interface Block extends TaskBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

/** A dynamic include: resolved at run time; a static file name is also loaded and validated at load time. */
export interface Include extends TaskBase {
  kind: 'include_tasks' | 'include_role';
  target: string; // file or role name as written (may be templated)
  loaded: TaskNode[] | undefined; // what a static target holds, for validation and listing
  /** Problems of a file Ansible reads only when the include runs (a handler's Windows branch ...): warned
   *  before the run, failing the hosts that reach the include; `loaded` is then undefined. */
  deferred?: KplayError[];
  /** The keywords the included tasks inherit: the enclosing ones, not the include's own (loop, register ...). */
  innerKeywords: TaskKeywords;
}

export type TaskNode = Task | Block | Include;

export interface RoleInstance {
  name: string;
  path: string;
  defaults: Vars;
  vars: Vars;
  params: Vars;
  handlers: TaskNode[];
  /** How the play reached it: `roles:` (undefined), a meta dependency, import_role or include_role. */
  via?: 'dependency' | 'import' | 'include';
  /** Reached by import_role/include_role from another role's task: those roles, the nearest first. */
  parents?: { name: string; path: string }[];
}

export interface Play {
  index: number; // 1-based across the whole playbook run
  name: string;
  hosts: string;
  file: string;
  loc: Loc;
  vars: Vars;
  varsFiles: string[];
  roles: RoleInstance[];
  preTasks: TaskNode[];
  tasks: TaskNode[]; // roles' tasks first, then the play's tasks, as Ansible runs them
  postTasks: TaskNode[];
  handlers: TaskNode[]; // role handlers and play handlers
  serial: (number | string)[] | undefined;
  strategy: 'linear' | 'free';
  become: boolean | undefined;
  becomeUser: string | undefined;
  gatherFacts: boolean;
  anyErrorsFatal: boolean;
  maxFailPercentage: number | undefined;
  forks: number | undefined;
  tags: string[];
  keywords: Vars;
  /** vars_prompt: variables asked for before the run (check/prompts.ts answers them into `vars`). */
  prompts: VarPrompt[];
}

/** One vars_prompt entry. */
export interface VarPrompt {
  name: string;
  prompt: string;
  default?: string | undefined;
  private: boolean;
  confirm: boolean;
  loc: Loc;
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
