// The journal's file: one line per host result, written as it comes (a SIGKILL loses none); the file it keeps
// open for the run is closed at the run's end, and a result after that is still written.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, readJournal } from '../../src/events/journal.js';

describe('events/journal', () => {
  it('writes each result at once, closes its file at the run end, and appends what comes after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kplay-journal-'));
    const path = join(dir, 'j.jsonl');
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const on = new Journal(path).listener();
    const result = (host: string) =>
      on({ type: 'host_result', host, task: 't', taskId: 't', key: '1:t#1', status: 'ok', ms: 1 });
    result('a');
    expect(readFileSync(path, 'utf8').split('\n')).to.have.length(2);
    on({ type: 'run_end', recap: {}, exitCode: 0, ms: 1 });
    expect(fds()).to.equal(before);
    result('b');
    expect([...readJournal(path).keys()]).to.deep.equal(['a', 'b']);
    rmSync(dir, { recursive: true, force: true });
  });
});
