// Shared bits of the transport's lab tests: ConnectionSpecs for lab hosts (read through connectionSpec, as the
// executor does) and a helper that expects a KplayError.
import { expect } from 'chai';
import { join } from 'node:path';
import { connectionSpec, type ConnectionSpec } from '../../src/transport/connection-spec.js';
import { KplayError } from '../../src/core/errors.js';
import { readState } from '../../src/lab/state.js';
import { handle, useLab, type LabHandle } from '../lab/helpers.js';

/** The shared test lab; with KPLAY_TRANSPORT_LAB=<prefix>, a lab already up under that prefix (for quick reruns
 *  while another test run holds the shared one). */
export async function transportLab(ctx: Mocha.Context): Promise<LabHandle> {
  const prefix = process.env.KPLAY_TRANSPORT_LAB;
  if (!prefix) return useLab(ctx);
  const st = readState(prefix);
  if (!st?.ready) throw new Error(`KPLAY_TRANSPORT_LAB=${prefix}: no lab is up under that prefix`);
  return handle(st);
}

export function labSpec(lab: LabHandle, host: string, vars: Record<string, unknown> = {}): ConnectionSpec {
  const h = lab.hosts.find((x) => x.name === host || x.ip === host);
  return connectionSpec(
    {
      ansible_host: h ? h.ip : host,
      ansible_user: 'root',
      ansible_ssh_private_key_file: join(lab.inventory, 'id_ed25519'),
      ansible_ssh_common_args:
        `-o UserKnownHostsFile=${join(lab.inventory, 'known_hosts')} ` + '-o StrictHostKeyChecking=yes',
      ...vars,
    },
    h?.name ?? host,
  );
}

export async function rejects(p: Promise<unknown>, code?: string): Promise<KplayError> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof KplayError)) throw e;
    if (code && e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  throw new Error(`expected a rejection${code ? ` with ${code}` : ''}`);
}

export { expect };
