// The contract between task modules and the engine (ARCHITECTURE.md). A module never gets the transport: it
// reads the host through a cached, read-only FactReader and returns the changes it wants, as data.
// Only the engine runs actions. Check mode calls `plan` alone, so it cannot write.
import type { JinjaOptions } from '../core/jinja-options.js';
import type { z } from 'zod';
import type { Loc } from '../core/loc.js';

export type Vars = Record<string, unknown>;

/** One entry of a controller folder's tree (FactReader.controllerTree). */
export interface TreeEntry {
  path: string;
  dir: boolean;
  link?: string;
}

/** What `stat` of one path tells (mode as 4 octal digits, e.g. '0644'). */
export interface StatInfo {
  exists: boolean;
  path: string;
  isdir?: boolean;
  isreg?: boolean;
  islnk?: boolean;
  lnk_target?: string;
  mode?: string;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
  /** Only when asked for: hex digest of the file's content. */
  checksum?: string;
  /** Check mode only: an earlier planned change sets this path, or something under it (the host has it not yet;
   *  what a daemon loaded from it, such as systemd's view of a unit, is stale). */
  planned?: boolean;
}

export interface ProbeOptions {
  /** Polled again (until/retries): never answered from the run's cache, and not a fact a plan file keeps. */
  fresh?: boolean;
  /** A Key=Value answer (`systemctl show`): the keys the plan depends on; the others (timestamps, counters)
   *  move on their own, and are not compared between a plan file and its apply. */
  keys?: string[];
  /** Check mode: what else the answer is read from, as touch keys ('package:*': any package, 'service:*' any
   *  service): a change an earlier task plans there makes the answer uncertain. */
  reads?: string[];
}

export interface ProbeResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** Read-only view of a host, cached per host for the run; the engine records what each task read. */
export interface FactReader {
  /** Gathered facts (ansible_* names), gathered once per host; `fresh`: gathered again now (setup). */
  facts(opts?: { fresh?: boolean }): Promise<Vars>;
  stat(path: string, opts?: { follow?: boolean; checksum?: 'sha1' | 'sha256' }): Promise<StatInfo>;
  /** A hint: these stats are asked next (a folder's files), so a reader may read them in one command. Optional;
   *  what it cannot tell is read by the stats themselves. */
  prefetch?(reads: FileRead[]): Promise<void>;
  /** A file's content, or undefined when it does not exist. */
  read(path: string): Promise<Buffer | undefined>;
  /** A read-only command (`sysctl -n x`, `systemctl is-enabled y`): never one that changes the host. Cached
   *  for the run like every read, unless `fresh` (a port or URL polled again by until/retries). */
  probe(argv: string[], opts?: ProbeOptions): Promise<ProbeResult>;
  /** Wait (wait_for's plain timeout): the engine waits on the controller, nothing runs on the host. */
  wait(seconds: number): Promise<void>;
  /** Files on the controller (copy src, template src), relative paths already resolved by the engine. */
  controllerRead(path: string): Promise<Buffer>;
  /** A controller folder's tree (paths relative to it, folders first), or undefined when `path` is not a folder.
   *  Links are followed unless `follow` is false; one kept as a link (not followed, broken, or a folder above it)
   *  has its target in `link`. */
  controllerTree?(path: string, opts?: { follow?: boolean }): Promise<TreeEntry[] | undefined>;
  /** A controller file's permission bits (copy's `mode: preserve`), links followed; undefined when it is not there. */
  controllerMode?(path: string): Promise<number | undefined>;
}

/** What the module is running for. */
export interface HostView {
  name: string; // inventory_hostname
  vars: Vars; // the task's variables (templated args are already rendered)
  check: boolean;
  diff: boolean;
  /** Render a template file (Handlebars or Jinja) on the controller with the task's variables; Jinja's
   *  settings as the template module's arguments give them. */
  renderTemplate(path: string, o?: JinjaOptions): string;
  /** Where a controller file named by the task is (the role's files/ or templates/, then the playbook's):
   *  the engine's one search order, for modules that find their own file (script, unarchive). */
  controllerPath(kind: 'templates' | 'files', src: string): { path?: string | undefined; searched: string[] };
  /** Only on the re-plan after this task's changes were applied: their marks (key -> value), so a change
   *  planned by design every time (a restart) is not asked for again. Undefined on a first plan. */
  applied?: ReadonlyMap<string, string> | undefined;
}

export type Action =
  | {
      exec: string[];
      stdin?: string | undefined;
      cwd?: string | undefined;
      env?: Record<string, string> | undefined;
      shell?: boolean;
      /** A command-like module registers the output as it is (command's `strip_empty_ends: false`); by default
       *  its final line ends are cut. */
      keepEnds?: boolean | undefined;
    }
  | {
      put: string;
      content: Buffer;
      mode?: string | undefined;
      owner?: string | undefined;
      group?: string | undefined;
      validate?: string | undefined;
    }
  | { remove: string; recurse?: boolean }
  /** Write a file on the controller (fetch): atomic, parent folders made. */
  | { controllerPut: string; content: Buffer };

/** What --diff shows of a file. */
export interface TextDiff {
  path: string;
  before: string;
  after: string;
  skipped?: string | undefined;
}

export interface Change {
  summary: string;
  /** A file's text before and after; `skipped` says why a file is not shown (binary, or over max_diff_size). */
  diff?: TextDiff | undefined;
  actions: Action[];
  /** What the change alters, e.g. 'file:/etc/hosts', 'service:etcd'; a later task reading it in check mode is
   *  uncertain. */
  touches: string[];
  /** Planned on every run by design (a restart, a cache refresh): the convergence check after apply ignores it. */
  repeats?: boolean;
  /** Named so the re-plan can tell it was applied (`HostView.applied`), with what the plan saw (an id). */
  mark?: { key: string; value?: string } | undefined;
  /** Check mode: what read-only commands will answer once the change is made (a unit's `systemctl show` after
   *  start), so later plans read that instead of the host's stale answer. Files are predicted from the actions. */
  predicts?: Prediction[] | undefined;
  /** Its bytes are made anew by each plan (a new key, a certificate for it): a plan file keeps its shape, and
   *  what later plans read of it in check mode is known only in shape too. */
  madeAnew?: boolean | undefined;
}

/** What a read-only command will answer after a change; `reads`: the paths it answers from ('file:/x', 'file:/d/'
 *  a tree): a later change there makes the answer unknown again. */
export interface Prediction {
  probe: string[];
  result: ProbeResult;
  reads?: string[];
}

export interface Plan {
  changes: Change[];
  /** Fields for `register`, known at plan time (stat's `stat`, slurp's `content` ...). */
  result?: Vars;
  /** The task fails with this message, and `result` is still registered (wait_for's `elapsed` on a timeout). */
  failed?: string;
  /** A command-like module (`converges: false`) in check mode: the fields it registers for a command it does not
   *  run (Ansible's: `skipped`, or `changed` when creates/removes let it run). The reported status stays the
   *  real run's. */
  checkResult?: Vars;
}

/** A module that plans. `converges: false` (command, shell) means a second plan is not expected to be empty. */
export interface TaskModule<A extends Vars = Vars> extends ModuleSpec {
  converges?: boolean;
  plan(args: A, host: HostView, facts: FactReader): Promise<Plan>;
  /** What a change would alter, from the arguments alone: check mode uses it when the plan cannot run because an
   * input is still pending (a certificate whose CA an earlier task would make), so later readers stay uncertain. */
  pendingTouches?(args: A): string[];
  /** The host files a plan of these arguments (rendered, not yet checked) will stat: a loop asks for all its
   *  items' at once, before the first item runs, and the tasks ahead for theirs (one command, not one a file). */
  loopReads?(args: Vars): FileRead[];
}

/** A stat a plan will make: `facts.stat(path, { follow, checksum })`. */
export interface FileRead {
  path: string;
  follow?: boolean | undefined;
  checksum?: 'sha1' | 'sha256' | undefined;
}

export function isTaskModule(m: ModuleSpec): m is TaskModule {
  return typeof (m as TaskModule).plan === 'function';
}

export type ArgsShape = Record<string, z.ZodType>;

/** What a module declares about itself. Host modules add a `plan` with `defineTask` (contract.ts's TaskModule). */
export interface ModuleSpec {
  name: string;
  /** Other names the module answers to (e.g. `systemd` for `systemd_service`). */
  aliases?: string[];
  description: string;
  args: ArgsShape;
  /** Argument aliases, alias → canonical name (e.g. dest → path for `file`). */
  argAliases?: Record<string, string>;
  /** The module takes a free-form string (`command: ls -l`), stored as `_raw_params`. `'script'`: the string
   *  is a shell script (shell), whose quotes are the shell's, not unbalanced arguments. */
  freeForm?: boolean | 'script';
  /** The `key=value` words taken out of a free-form line (command's `creates=`, `chdir=`); other words with a
   *  `=` stay in the command, as in Ansible (`echo cmd=1`). Default: every argument's name. */
  freeFormKeys?: string[];
  /** Any argument name is accepted (set_fact). */
  anyArgs?: boolean;
  required?: string[];
  requiredOneOf?: string[][];
  mutuallyExclusive?: string[][];
  /** The module's own report when a `requiredOneOf` or `mutuallyExclusive` group is broken, by the group's names
   *  joined by ',': its `msg` and the other fields its failed result carries (command's rc 256). */
  groupFailures?: {
    requiredOneOf?: Record<string, Vars & { msg: string }>;
    mutuallyExclusive?: Record<string, Vars & { msg: string }>;
  };
  /** [arg, value, requires]: when arg equals value, every name in requires must be given. */
  requiredIf?: [string, unknown, string[]][];
  /** Returned fields users register and read (documented by `kplay doc`). */
  returns?: Record<string, string>;
  example?: string;
  /** Runs on the controller only (debug, set_fact, assert, fail, meta). */
  controllerOnly?: boolean;
  /** Runs once for the play's hosts, on the first one (add_host), as Ansible's BYPASS_HOST_LOOP actions do. */
  bypassHostLoop?: boolean;
  /** Arguments that are expressions, not templates (assert's `that`, debug's `var`): check mode reads the
   *  variables they name. */
  exprArgs?: string[];
  /** The variables the module would set, from its arguments alone (set_fact): when check mode cannot run the
   *  task, they are marked uncertain. */
  varsSet?(args: Vars): string[];
  /** The argument naming a controller file the engine finds before the plan (and checks at --syntax-check):
   *  the module then gets its full path. */
  controllerSource?(args: Vars): { arg: string; kind: 'templates' | 'files' } | undefined;
}

type Defaulted<S extends ArgsShape> = { [K in keyof S]: S[K] extends z.ZodDefault<z.ZodType> ? K : never }[keyof S];

/** The args a module's `plan` gets, typed from its declaration: defaulted args are always there, others may be
 *  missing. */
export type ArgsOf<S extends ArgsShape> = { [K in Defaulted<S>]: z.output<S[K]> } & {
  [K in Exclude<keyof S, Defaulted<S>>]?: z.output<S[K]>;
};

/** What a controller module is given: the task's checked args, its variables, and the engine's evaluator. */
export interface ControllerCall {
  host: string;
  /** Checked and rendered. */
  args: Vars;
  /** Rendered, before the checks (set_fact takes any name, so its values are read from here). */
  raw: Vars;
  vars: Vars;
  check: boolean;
  /** Folders include_vars searches: the role's vars/ and the role (when in one), the task file's, the playbook's. */
  varsDirs: string[];
  /** Where an argument, or one item of a list argument, was written. */
  argLoc(name: string, index?: number): Loc | undefined;
  /** An Ansible test expression (`when:` syntax) against the task's variables. */
  test(expr: string | boolean, loc: Loc | undefined): boolean;
  /** An expression's value; throws when a variable in it is undefined. */
  value(expr: string): unknown;
}

/** A controller module's answer, as data: the engine sets `facts` on the host and acts on `meta`. */
/** A change to the run's in-memory inventory (add_host, group_by): later plays see the hosts and groups. */
export type InventoryChange =
  | { addHost: { name: string; groups: string[]; vars: Vars } }
  | { joinGroup: { group: string; parents: string[] } };

export interface ControllerResult {
  status: 'ok' | 'changed' | 'failed' | 'skipped' | 'uncertain';
  msg?: string | undefined;
  result: Vars;
  /** What the output shows after `=>` (debug's message or variable). */
  show?: Vars | undefined;
  /** Host variables to set for the rest of the run (set_fact, include_vars). */
  facts?: Vars | undefined;
  /** A meta action for the strategy (flush_handlers, end_play ...). */
  meta?: string | undefined;
  /** What the engine changes in the run's inventory; `changed` is then whether it changed anything. */
  inventory?: InventoryChange | undefined;
}

/** A module that runs on the controller (debug, set_fact, assert, fail, pause, include_vars, meta). */
export interface ControllerModule extends ModuleSpec {
  controllerOnly: true;
  runOnController(call: ControllerCall): Promise<ControllerResult>;
}

export function isControllerModule(m: ModuleSpec): m is ControllerModule {
  return typeof (m as ControllerModule).runOnController === 'function';
}
