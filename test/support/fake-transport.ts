// Unit tests only: a transport that reaches nothing. Real hosts are exercised by the @lab integration tests.
import { KplayError } from '../../src/core/errors.js';
import type { ExecResult, Transport } from '../../src/transport/types.js';

export class NullTransport implements Transport {
  readonly execs: string[][] = [];
  constructor(
    readonly host: string,
    private readonly unreachable = false,
  ) {}
  async connect(): Promise<void> {
    if (this.unreachable)
      throw new KplayError(`cannot connect to ${this.host}: no route`, { code: 'UNREACHABLE', host: this.host });
  }
  async exec(argv: string[]): Promise<ExecResult> {
    this.execs.push(argv);
    return { rc: 0, stdout: '', stderr: '', cmd: argv, durationMs: 0 };
  }
  async put(): Promise<undefined> {
    return undefined;
  }
  async get(): Promise<Buffer | undefined> {
    return undefined;
  }
  async close(): Promise<void> {}
}
