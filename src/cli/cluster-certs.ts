// `kplay cluster certs SITE`: every certificate in the site's PKI folder with its expiry, soonest first; a
// warning under --warn-days (30), and exit 2 when one has expired. Node's own X509Certificate reads them.
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KplayError } from '../core/errors.js';
import type { Output } from '../core/output.js';

export interface CertsArgs {
  site: string;
  pki?: string | undefined;
  warnDays: number;
  now?: Date;
}

export interface CertRow {
  file: string;
  subject: string;
  notAfter: Date;
  days: number;
  state: 'ok' | 'soon' | 'expired';
}

const DAY_MS = 86_400_000;

/** The PKI folder as the roles pick it (kplay-defaults' pki_dir): <site>/ssl when there is one, else <site>/pki. */
export function pkiDirOf(site: string, given?: string): string {
  if (given !== undefined) return given;
  const ssl = join(site, 'ssl');
  return existsSync(ssl) && statSync(ssl).isDirectory() ? ssl : join(site, 'pki');
}

/** The certificates of a folder's .pem files (keys, other files and the CAs' trust bundles, `*-trust.pem`: copies
 *  of CAs listed under their own files, are passed over), soonest expiry first. */
export function certRows(dir: string, warnDays: number, now = new Date()): CertRow[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new KplayError(`no PKI folder at ${dir}`, {
      code: 'NOT_FOUND',
      hint: 'name the site folder (its pki/ or ssl/ holds the certificates), or the folder with --pki',
    });
  const rows: CertRow[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.pem') && !f.endsWith('-trust.pem'))
    .sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (!text.includes('-----BEGIN CERTIFICATE-----')) continue;
    const cert = new X509Certificate(text);
    const notAfter = new Date(cert.validTo);
    const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
    const state = notAfter <= now ? 'expired' : days < warnDays ? 'soon' : 'ok';
    rows.push({ file, subject: cert.subject.replace(/\n/g, ', '), notAfter, days, state });
  }
  return rows.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime() || a.file.localeCompare(b.file));
}

export function clusterCerts(a: CertsArgs, out: Output): number {
  const dir = pkiDirOf(a.site, a.pki);
  const rows = certRows(dir, a.warnDays, a.now);
  if (rows.length === 0) throw new KplayError(`no certificate in ${dir}`, { code: 'NOT_FOUND' });
  const width = Math.max(...rows.map((r) => r.file.length));
  out.print(`certificates in ${dir} (soonest expiry first):`);
  for (const r of rows) {
    const left = r.state === 'expired' ? 'EXPIRED' : `${r.days} days left`;
    out.print(`  ${r.file.padEnd(width)}  ${r.notAfter.toISOString().slice(0, 10)}  ${left.padEnd(14)}  ${r.subject}`);
  }
  const soon = rows.filter((r) => r.state === 'soon');
  const expired = rows.filter((r) => r.state === 'expired');
  if (soon.length > 0)
    out.warn(
      `${soon.length} certificate(s) expire within ${a.warnDays} days: ${soon.map((r) => r.file).join(', ')}; ` +
        "renew them in time (a run of playbooks/ha-cluster.yml reissues the cluster's own this close to expiry)",
    );
  if (expired.length > 0) {
    out.error(`ERROR: ${expired.length} certificate(s) have expired: ${expired.map((r) => r.file).join(', ')}`);
    return 2;
  }
  return 0;
}
