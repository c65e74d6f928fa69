// SFTP file transfer on the shared session: a pipelined write of a new file (several write requests in
// flight, so a large upload is not one round trip per chunk) and a read that says `undefined` for a file
// that does not exist.
import type { Client, SFTPWrapper } from 'ssh2';
import { KplayError } from '../core/errors.js';

const CHUNK = 32 * 1024;
const IN_FLIGHT = 16;
const NO_SUCH_FILE = 2;

/** One SFTP request; `gone` rejects when the connection drops (ssh2 never answers requests made after that). */
function call<T>(gone: Promise<never>, fn: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> {
  return Promise.race([new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v)))), gone]);
}

/** Creates `path` (it must not exist: exclusive create, mode 0600) and writes all of `data` into it. */
export async function sftpWrite(sftp: SFTPWrapper, path: string, data: Buffer, gone: Promise<never>): Promise<void> {
  const handle = await call<Buffer>(gone, (cb) => sftp.open(path, 'wx', { mode: 0o600 }, cb));
  let failure: Error | undefined;
  try {
    let next = 0;
    const worker = async () => {
      while (next < data.length && !failure) {
        const off = next;
        const len = Math.min(CHUNK, data.length - off);
        next += len;
        await call<void>(gone, (cb) => sftp.write(handle, data, off, len, off, (err) => cb(err, undefined))).catch(
          (e: Error) => {
            failure ??= e;
          },
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.ceil(data.length / CHUNK) || 1) }, worker));
  } finally {
    await call<void>(gone, (cb) => sftp.close(handle, (err) => cb(err, undefined))).catch((e: Error) => {
      failure ??= e;
    });
  }
  if (failure) throw failure;
}

/** The file's bytes, or undefined when it does not exist. */
export async function sftpRead(sftp: SFTPWrapper, path: string, gone: Promise<never>): Promise<Buffer | undefined> {
  try {
    return await call<Buffer>(gone, (cb) => sftp.readFile(path, cb));
  } catch (e) {
    if ((e as { code?: unknown }).code === NO_SUCH_FILE) return undefined;
    throw e;
  }
}

/** The SFTP session of a connection; a refusal is the host being unreachable. */
export function openSftp(client: Client, host: string, address: string): Promise<SFTPWrapper> {
  return new Promise<SFTPWrapper>((resolve, reject) => {
    client.sftp((err, s) =>
      err
        ? reject(new KplayError(`cannot open SFTP on ${address}: ${err.message}`, { code: 'UNREACHABLE', host }))
        : resolve(s),
    );
  });
}
