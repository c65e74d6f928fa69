// A tiny OCI image archive for tests, made here rather than pulled (the lab has no internet): one gzip layer
// of the given files, its config and manifest, and index.json naming the image as `ctr export` does
// (io.containerd.image.name, org.opencontainers.image.ref.name), tarred as `oci-archive` (an OCI layout).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface OciArchive {
  path: string;
  /** The manifest's digest (sha256:...): what a registry names the pushed tag by. */
  digest: string;
}

/** Make `<tmp>/image.tar` (the caller removes its folder) holding `name` (docker.io/library/x:1.0) with
 *  `files` (path → content). */
export function makeOciArchive(name: string, files: Record<string, string>): OciArchive {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-oci-'));
  const root = join(dir, 'rootfs');
  const layout = join(dir, 'layout');
  mkdirSync(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  mkdirSync(join(layout, 'blobs/sha256'), { recursive: true });
  const blob = (b: Buffer | string) => {
    const d = sha(b);
    writeFileSync(join(layout, 'blobs/sha256', d), b);
    return { digest: `sha256:${d}`, size: Buffer.byteLength(b) };
  };
  const layerTar = execFileSync('tar', ['-C', root, '--sort=name', '--owner=0', '--group=0', '-cf', '-', '.']);
  const layer = blob(gzipSync(layerTar));
  const config = blob(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/hello'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layerTar)}`] },
    }),
  );
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    }),
  );
  const tag = name.slice(name.lastIndexOf(':') + 1);
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  const path = join(dir, 'image.tar');
  execFileSync('tar', ['-C', layout, '-cf', path, 'oci-layout', 'index.json', 'blobs']);
  for (const d of [root, layout]) rmSync(d, { recursive: true });
  return { path, digest: manifest.digest };
}

/** The bytes of such an archive, its folder removed. */
export function ociArchiveBytes(name: string, files: Record<string, string>): Buffer {
  const a = makeOciArchive(name, files);
  const bytes = readFileSync(a.path);
  rmSync(dirname(a.path), { recursive: true });
  return bytes;
}
