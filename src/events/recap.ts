// Per-host counts for the PLAY RECAP, and the run's exit code as Ansible gives it:
// 0 ok, 2 a host failed, 4 a host unreachable (4 wins over 2), 99 interrupted.
import type { HostCounts, HostStatus } from './bus.js';

export class Recap {
  readonly hosts = new Map<string, HostCounts>();
  /** meta: clear_host_errors: how many of a host's failures no longer make the run fail. */
  private readonly cleared = new Map<string, number>();

  host(name: string): HostCounts {
    let c = this.hosts.get(name);
    if (!c) {
      c = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, uncertain: 0, ms: 0 };
      this.hosts.set(name, c);
    }
    return c;
  }

  /** Count one task result the way Ansible does: `changed` is also `ok`; `ignored` failures count as ok too. */
  count(host: string, status: HostStatus, ms = 0): void {
    const c = this.host(host);
    c.ms += ms;
    switch (status) {
      case 'changed':
        c.changed++;
        c.ok++;
        break;
      case 'ignored':
        c.ignored++;
        c.ok++;
        break;
      case 'uncertain':
        c.uncertain++;
        break;
      default:
        c[status]++;
    }
  }

  /** A host whose failure was rescued: the failure no longer counts. */
  rescued(host: string): void {
    const c = this.host(host);
    c.rescued++;
    if (c.failed > 0) c.failed--;
  }

  /** meta: clear_host_errors: the host's failures so far stay in the recap but no longer fail the run. */
  clearErrors(host: string): void {
    this.cleared.set(host, this.host(host).failed);
  }

  toJSON(): Record<string, HostCounts> {
    return Object.fromEntries(this.hosts);
  }

  /** Ansible's: 4 a host unreachable, 2 a host failed, 0 otherwise. `detailed` (with --check), as terraform
   *  plan's: 1 a host failed or unreachable, 2 changes pending (changed or uncertain), 0 nothing to change. */
  exitCode(interrupted: boolean, detailed = false): number {
    if (interrupted) return 99;
    const all = [...this.hosts.values()];
    const failed = [...this.hosts].some(([h, c]) => c.failed > (this.cleared.get(h) ?? 0));
    if (detailed) {
      if (failed || all.some((c) => c.unreachable > 0)) return 1;
      return all.some((c) => c.changed > 0 || c.uncertain > 0) ? 2 : 0;
    }
    if (all.some((c) => c.unreachable > 0)) return 4;
    if (failed) return 2;
    return 0;
  }
}

/** Ansible's layout: `host (padded to 26) : ok=N    changed=N    ...` (each count padded to 4). */
export function formatRecap(recap: Record<string, HostCounts>, check: boolean): string {
  const lines = ['', `PLAY RECAP ${'*'.repeat(60)}`];
  // by name, as Ansible sorts its recap (not in the order the hosts finished)
  for (const n of Object.keys(recap).sort()) {
    const c = recap[n]!;
    const fields: [string, number][] = [
      ['ok', c.ok],
      ['changed', c.changed],
      ['unreachable', c.unreachable],
      ['failed', c.failed],
      ['skipped', c.skipped],
      ['rescued', c.rescued],
      ['ignored', c.ignored],
    ];
    if (check) fields.push(['uncertain', c.uncertain]);
    lines.push(`${n.padEnd(26)} : ${fields.map(([k, v]) => `${k}=${String(v).padEnd(4)}`).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
