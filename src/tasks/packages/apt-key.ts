// apt_key without gpg on the host: keys are read here (OpenPGP packets; v4 and v5/v6 fingerprints).
// present writes the key from data or file into a keyring file (binary; armored when the name ends in .asc;
// by default /etc/apt/trusted.gpg.d/<url basename or key id>.gpg), or downloads url there with curl or wget
// on the host. Nothing to do when the keyring already holds id, already has the same bytes, or (url without
// id) already exists. absent removes whole keyring files that hold the key. Differences from Ansible (which
// runs apt-key/gpg): keyserver is not supported; a keyring holding several keys, or /etc/apt/trusted.gpg,
// cannot have one key removed (the task fails).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Change } from '../contract.js';
import { listTree } from '../lib/list-tree.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, astr, choice, defineTask, apath } from '../lib/schema.js';

/** The binary OpenPGP packets of an ASCII-armored key (or the bytes as they are, when not armored). */
export function dearmor(b: Buffer): Buffer {
  const s = b.toString('latin1');
  if (!s.includes('-----BEGIN PGP')) return b;
  const parts: Buffer[] = [];
  for (const m of s.matchAll(/-----BEGIN PGP [A-Z ]+-----\r?\n([\s\S]*?)-----END PGP [A-Z ]+-----/g)) {
    const lines = m[1]!.split(/\r?\n/);
    const blank = lines.findIndex((l) => l.trim() === '');
    const hasHeaders = lines.slice(0, Math.max(blank, 0)).some((l) => /^[A-Za-z-]+: /.test(l));
    const body = (hasHeaders ? lines.slice(blank + 1) : lines).filter((l) => !l.startsWith('=') && l.trim() !== '');
    parts.push(Buffer.from(body.join(''), 'base64'));
  }
  return Buffer.concat(parts);
}

function crc24(b: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of b) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

export function armor(b: Buffer): Buffer {
  const crc = Buffer.from([(crc24(b) >> 16) & 255, (crc24(b) >> 8) & 255, crc24(b) & 255]).toString('base64');
  const body = b.toString('base64').match(/.{1,64}/g) ?? [];
  return Buffer.from(
    `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${body.join('\n')}\n=${crc}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
  );
}

/** Fingerprints (upper-case hex) of the primary keys and subkeys in binary OpenPGP data (v4 and v5/v6 keys). */
export function fingerprints(bin: Buffer): { fpr: string; primary: boolean }[] {
  const out: { fpr: string; primary: boolean }[] = [];
  let i = 0;
  while (i < bin.length) {
    const b = bin[i]!;
    if (!(b & 0x80)) break;
    let tag: number;
    let len: number;
    let hdr: number;
    if (b & 0x40) {
      tag = b & 0x3f;
      const l0 = bin[i + 1]!;
      if (l0 < 192) [len, hdr] = [l0, 2];
      else if (l0 < 224) [len, hdr] = [((l0 - 192) << 8) + bin[i + 2]! + 192, 3];
      else if (l0 === 255) [len, hdr] = [bin.readUInt32BE(i + 2), 6];
      else break; // partial lengths do not occur in keys
    } else {
      tag = (b >> 2) & 0xf;
      const lt = b & 3;
      if (lt === 0) [len, hdr] = [bin[i + 1]!, 2];
      else if (lt === 1) [len, hdr] = [bin.readUInt16BE(i + 1), 3];
      else if (lt === 2) [len, hdr] = [bin.readUInt32BE(i + 1), 5];
      else [len, hdr] = [bin.length - i - 1, 1];
    }
    const body = bin.subarray(i + hdr, i + hdr + len);
    if ((tag === 6 || tag === 14) && body.length > 0) {
      const v = body[0]!;
      if (v === 4) {
        const h = createHash('sha1')
          .update(Buffer.from([0x99, (len >> 8) & 255, len & 255]))
          .update(body);
        out.push({ fpr: h.digest('hex').toUpperCase(), primary: tag === 6 });
      } else if (v === 5 || v === 6) {
        const l = Buffer.alloc(4);
        l.writeUInt32BE(len);
        const h = createHash('sha256')
          .update(Buffer.from([v === 5 ? 0x9a : 0x9b]))
          .update(l)
          .update(body);
        out.push({ fpr: h.digest('hex').toUpperCase(), primary: tag === 6 });
      }
    }
    i += hdr + len;
  }
  return out;
}

function normId(id: string): string {
  return id.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
}

function hasKey(content: Buffer | undefined, id: string): boolean {
  if (!content) return false;
  const want = normId(id);
  return fingerprints(dearmor(content)).some((k) => k.fpr.endsWith(want));
}

const KEY_DIRS = ['/etc/apt/trusted.gpg.d', '/etc/apt/keyrings', '/usr/share/keyrings'];

export const apt_key = defineTask({
  name: 'apt_key',
  description: 'Put an apt signing key in a keyring file (data, a file on the host, or a URL), or remove it.',
  args: {
    id: astr(),
    data: astr(),
    file: apath(),
    url: astr(),
    keyring: apath(),
    keyserver: astr(),
    state: choice(['present', 'absent']).default('present'),
    validate_certs: abool().default(true),
  },
  mutuallyExclusive: [['data', 'file', 'url', 'keyserver']],
  returns: { fp: 'fingerprint of the key', id: 'key id', key_id: 'key id', short_id: 'short key id' },
  example:
    '- apt_key:\n    url: https://download.docker.com/linux/debian/gpg\n    keyring: /etc/apt/keyrings/docker.gpg',
  async plan(args, _host, facts) {
    if (args.keyserver !== undefined)
      throw taskFailed('apt_key: keyserver is not supported (it needs gpg on the host): give data, file or url');
    const id = args.id !== undefined ? normId(args.id) : undefined;
    if (id !== undefined && !/^[0-9A-F]{8,40}$/.test(id))
      throw taskFailed(`apt_key: id '${args.id}' is not a key id (8, 16 or 40 hex digits)`);
    if (args.state === 'absent') {
      if (id === undefined) throw taskFailed('apt_key: state=absent needs id');
      const files =
        args.keyring !== undefined
          ? [args.keyring]
          : (
              await Promise.all(
                KEY_DIRS.slice(0, 2).map(async (d) =>
                  (
                    await facts.stat(d, { follow: true })
                  ).isdir
                    ? (await listTree(facts, d, 1)).filter((e) => e.isreg).map((e) => e.path)
                    : [],
                ),
              )
            ).flat();
      const changes: Change[] = [];
      for (const f of files) {
        const content = await facts.read(f);
        if (!hasKey(content, id)) continue;
        const primaries = fingerprints(dearmor(content!)).filter((k) => k.primary);
        if (primaries.length > 1)
          throw taskFailed(
            `apt_key: ${f} holds ${primaries.length} keys; kplay removes whole keyring files only (no gpg on the host)`,
          );
        changes.push({ summary: `apt_key: remove ${f} (key ${id})`, actions: [{ remove: f }], touches: [`file:${f}`] });
      }
      if (args.keyring === undefined && hasKey(await facts.read('/etc/apt/trusted.gpg'), id))
        throw taskFailed(
          `apt_key: key ${id} is in /etc/apt/trusted.gpg, which kplay cannot edit (no gpg): remove it with apt-key del`,
        );
      return { changes, result: { id } };
    }

    let content: Buffer | undefined;
    if (args.data !== undefined) content = Buffer.from(args.data);
    if (args.file !== undefined) {
      content = await facts.read(args.file);
      if (content === undefined) throw taskFailed(`apt_key: ${args.file} does not exist on the host`);
    }
    const bin = content !== undefined ? dearmor(content) : undefined;
    const keys = bin ? fingerprints(bin) : [];
    if (bin && keys.length === 0) throw taskFailed('apt_key: the data holds no OpenPGP public key');
    if (bin && id !== undefined && !keys.some((k) => k.fpr.endsWith(id)))
      throw taskFailed(`apt_key: the key given does not match id ${id}`);
    const primary = keys.find((k) => k.primary)?.fpr;
    const result = primary
      ? { fp: primary, id: primary.slice(-16), key_id: primary.slice(-16), short_id: primary.slice(-8) }
      : { id };
    let keyring = args.keyring;
    if (keyring === undefined) {
      const base =
        args.url !== undefined
          ? posix.basename(new URL(args.url).pathname).replace(/\.(gpg|asc|key|pub)$/, '') || 'key'
          : (primary ?? id ?? '').slice(-16);
      if (!base) throw taskFailed('apt_key: give data, file or url (and/or id)');
      keyring = `/etc/apt/trusted.gpg.d/${base}.gpg`;
    }
    const cur = await facts.read(keyring);
    if (id !== undefined && hasKey(cur, id)) return { changes: [], result };
    const touches = [`file:${keyring}`];
    if (bin) {
      const want = keyring.endsWith('.asc') ? armor(bin) : bin;
      if (cur?.equals(want)) return { changes: [], result };
      return {
        changes: [
          {
            summary: `apt_key: write ${keyring}${primary ? ` (${primary.slice(-16)})` : ''}`,
            actions: [{ put: keyring, content: want, mode: '0644' }],
            touches,
          },
        ],
        result,
      };
    }
    if (args.url !== undefined) {
      if (cur !== undefined && id === undefined) return { changes: [], result };
      const insecure = args.validate_certs ? '' : ' -k';
      const winsecure = args.validate_certs ? '' : ' --no-check-certificate';
      const toBin = keyring.endsWith('.asc')
        ? 'cat "$t"'
        : `if grep -q -- "-----BEGIN PGP" "$t"; then sed -n '/^-----BEGIN/,/^-----END/p' "$t" | sed '1d;$d' ` +
          `| sed '/^[A-Za-z-]*: /d;/^=/d;/^$/d' | base64 -d; else cat "$t"; fi`;
      const script = [
        'set -e; t=$(mktemp); trap \'rm -f "$t"\' EXIT',
        `if command -v curl >/dev/null; then curl -fsSL${insecure} -o "$t" "$1"; ` +
          `elif command -v wget >/dev/null; then wget -q${winsecure} -O "$t" "$1"; ` +
          `else echo "neither curl nor wget on the host" >&2; exit 1; fi`,
        `mkdir -p "$(dirname "$2")"; (${toBin}) > "$2.tmp"; chmod 0644 "$2.tmp"; mv "$2.tmp" "$2"`,
      ].join('\n');
      return {
        changes: [
          {
            summary: `apt_key: download ${args.url} to ${keyring}`,
            actions: [{ exec: ['sh', '-c', script, 'sh', args.url, keyring] }],
            touches,
          },
        ],
        result,
      };
    }
    throw taskFailed(`apt_key: key ${id} is not in ${keyring}: give data, file or url`);
  },
});
