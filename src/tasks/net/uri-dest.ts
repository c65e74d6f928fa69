// uri with `dest` (GET): the body is saved on the host, and only when it differs from the file there. The plan
// asks curl for the body's sha1 and the status (`%{stderr}` keeps the status apart from the piped body), nothing
// written; the change downloads to a temporary file beside dest and renames it over dest. A folder as dest gets
// the URL's last path part (or index.html). Ansible saves the file on every successful GET (changed each time
// unless the server answers 304); kplay compares, so a second run is unchanged (docs/ansible-differences.md).
import { posix } from 'node:path';
import type { FactReader, Plan } from '../contract.js';
import { argFailed } from '../lib/fsattrs.js';

const SUM = '"$@" -o - -w "%{stderr}\\n%{http_code}\\n" | sha1sum';
const SAVE = 'dest=$1; shift; "$@" -o "$dest.kplay-tmp" && mv -f -- "$dest.kplay-tmp" "$dest"';

/** The URL's file name, as a folder dest gets it. */
export function urlFileName(url: string): string {
  const path = new URL(url).pathname;
  return posix.basename(path) || 'index.html';
}

export async function planDownload(
  facts: FactReader,
  dest0: string,
  curl: string[],
  codes: number[],
  url: string,
): Promise<Plan> {
  const dir = await facts.stat(dest0, { follow: true });
  const dest = dir.isdir ? posix.join(dest0, urlFileName(url)) : dest0;
  const r = await facts.probe(['sh', '-c', SUM, 'uri', ...curl], { fresh: true });
  const status = Number(/(\d{3})\s*$/.exec(r.stderr)?.[1] ?? 0) || -1;
  const sha1 = r.stdout.split(/\s/)[0] ?? '';
  if (!codes.includes(status)) {
    const why = status === -1 ? `Request failed: ${r.stderr.trim().split('\n')[0]}` : `HTTP Error ${status}`;
    throw argFailed('status_code', `Status code was ${status} and not [${codes.join(', ')}]: ${why}`);
  }
  const st = await facts.stat(dest, { follow: true, checksum: 'sha1' });
  const result = { status, url, path: dest, msg: 'OK' };
  if (st.exists && st.checksum === sha1) return { changes: [], result };
  return {
    changes: [
      {
        summary: `uri: GET ${url} -> ${dest}`,
        actions: [{ exec: ['sh', '-c', SAVE, 'uri', dest, ...curl] }],
        touches: [`file:${dest}`],
      },
    ],
    result,
  };
}
