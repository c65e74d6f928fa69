// The contracts between loader, planner and executor. Data only, no logic.
import type { Loc } from './errors.js';

export type Vars = Record<string, unknown>;

/** What blocks, roles, imports and plays pass down to the tasks inside them. */
export interface Inherited {
  when: Condition[]; // all must hold
  tags: string[];
  vars: Vars; // block vars merged, outermost first
  keywords: Vars; // become, environment, ignore_errors ... as written by the enclosing block/role/play
  role: RoleInstance | undefined;
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
  /** Raw keyword values as written, inherited ones included (templated at run time). */
  keywords: Vars;
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
  /** The keywords the included tasks inherit: the enclosing ones, not the include's own (loop, register ...). */
  innerKeywords: Vars;
}

export type TaskNode = Task | Block | Include;

export interface RoleInstance {
  name: string;
  path: string;
  defaults: Vars;
  vars: Vars;
  params: Vars;
  handlers: TaskNode[];
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
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
}
