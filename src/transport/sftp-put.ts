// A put of bytes the long-lived shell cannot carry (shell-put.ts): SFTP uploads them to the temp file while the
// finishing script (atomic.ts) waits on an exec channel; should the connection drop mid-upload, that script's
// stdin ends and it removes the partial temp file on the host there and then.
import type { SFTPWrapper } from 'ssh2';
import { KplayError } from '../core/errors.js';
import type { Driven } from './session.js';
import { sftpWrite } from './sftp.js';

export interface SftpPutHost {
  host: string;
  address: string;
  sftp(): Promise<SFTPWrapper>;
  /** Runs `sh -c script` on an exec channel, its stdin the line `stdin` settles with. */
  finish(script: string, stdin: Promise<string>): Promise<Driven>;
  /** Rejects when the connection drops; undefined when there is none. */
  gone(): Promise<never> | undefined;
  lost(what: string): KplayError;
}

/** Uploads `content` to `tmp` and runs `script` (made with waitGo) to finish the write. */
export async function sftpPut(h: SftpPutHost, path: string, tmp: string, content: Buffer, script: string) {
  const sftp = await h.sftp();
  let release!: (line: string) => void;
  const go = new Promise<string>((resolve) => (release = resolve));
  const finishing = h.finish(script, go);
  finishing.catch(() => {});
  try {
    await sftpWrite(sftp, tmp, content, h.gone() ?? Promise.reject(h.lost(`before writing ${path}`)));
  } catch (e) {
    release('abort\n');
    await finishing.catch(() => undefined);
    if (!h.gone()) throw h.lost(`while writing ${path}`);
    throw new KplayError(`cannot write ${path} on ${h.address}: ${(e as Error).message}`, {
      code: 'TASK_FAILED',
      host: h.host,
    });
  }
  release('go\n');
  return finishing;
}
