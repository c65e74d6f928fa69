// image_push: an OCI image archive (index.json and blobs/, as `ctr export`, `skopeo copy ... oci-archive:` and
// `docker save` of Docker 25+ write it) pushed to a registry over the distribution API, with tar and curl on the
// host it runs on (the controller with `delegate_to: localhost`, or the registry's host). The image keeps its
// public name below the registry (`docker.io/library/x:1.0` becomes `REGISTRY/docker.io/library/x:1.0`), the
// layout the runtime role's mirror configuration (hosts.toml with override_path) reads. Reads only in the plan
// (the archive's index and manifests, HEAD requests); the push is one command: the blobs the registry lacks,
// then the manifests, the tag last. An image whose tag already names the archive's manifest digest is `ok`.
import { splitImageName } from '../../core/image-names.js';
import { addSecret } from '../../core/secrets.js';
import { quote } from '../../core/shell-quote.js';
import type { FactReader, Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, aint, apath, astr, defineTask } from '../lib/schema.js';

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

interface Descriptor {
  mediaType: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
}

/** What a push sends: blobs (archive entry, digest), then manifests (entry, reference, media type), tag last. */
export interface PushList {
  blobs: { entry: string; digest: string }[];
  manifests: { entry: string; ref: string; mediaType: string }[];
}

interface CurlOptions {
  username?: string;
  password?: string;
  ca_path?: string;
  validate_certs: boolean;
  timeout: number;
}

/** curl's options; the user and password among them only `inArgv` (a probe has no stdin for a config). */
const curlArgs = (a: CurlOptions, inArgv: boolean) => [
  '-sS',
  '--max-time',
  String(a.timeout),
  ...(a.validate_certs ? [] : ['-k']),
  ...(a.ca_path ? ['--cacert', a.ca_path] : []),
  ...(inArgv && a.username !== undefined ? ['-u', `${a.username}:${a.password ?? ''}`] : []),
];

/** The user and password as a curl config (curl -K), for the push's stdin: never in its argv. */
const curlConfig = (a: CurlOptions) =>
  a.username === undefined ? '' : `user = "${`${a.username}:${a.password ?? ''}`.replace(/[\\"]/g, '\\$&')}"\n`;

// Each blob: POST for an upload place, PUT the bytes there with the digest; then each manifest. $1 is the
// archive, $2 the repository's URL; then `b ENTRY DIGEST` and `m ENTRY REF TYPE` groups. C is curl with the
// task's options (written in front of this script) and the config read from stdin (the credentials).
const PUSH = `
set -e
a=$1 url=$2; shift 2
umask 077; cfg=$(mktemp); tmp=$(mktemp); trap 'rm -f "$cfg" "$tmp" "$tmp.out"' EXIT
cat > "$cfg"
while [ $# -gt 0 ]; do
  tar -xOf "$a" "$2" > "$tmp"
  if [ "$1" = b ]; then
    loc=$(C -X POST -D - -o /dev/null "$url/blobs/uploads/" | tr -d '\\r' | sed -n 's/^[Ll]ocation: *//p')
    case $loc in http*) ;; *) loc=\${url%%/v2/*}$loc ;; esac
    case $loc in *\\?*) loc="$loc&" ;; *) loc="$loc?" ;; esac
    code=$(C -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$tmp" -o "$tmp.out" \\
      -w '%{http_code}' "\${loc}digest=$3")
    shift 3
  else
    code=$(C -X PUT -H "Content-Type: $4" --data-binary @"$tmp" -o "$tmp.out" -w '%{http_code}' \\
      "$url/manifests/$3")
    shift 4
  fi
  case $code in 2??) ;; *) echo "the registry answered $code to $2: $(head -c 500 "$tmp.out")" >&2; exit 1 ;; esac
done
`;

// A digest or tag's HEAD: the status and the digest the registry names, one line per argument.
const HEADS = `
url=$1; shift
for r in "$@"; do
  case $r in m:*) p=manifests/\${r#m:} ;; *) p=blobs/$r ;; esac
  C -I -o /dev/null -D - -w 'code=%{http_code}\\n' -H "Accept: $ACCEPT" "$url/$p" | tr -d '\\r' \\
    | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: */digest=/p; /^code=/p'
  echo end
done
`;

async function readEntry(facts: FactReader, src: string, entry: string): Promise<Descriptor & Record<string, unknown>> {
  const r = await facts.probe(['tar', '-xOf', src, entry]);
  if (r.rc !== 0) throw taskFailed(`image_push: ${src} has no ${entry}: ${r.stderr.trim()}`);
  try {
    return JSON.parse(r.stdout) as Descriptor & Record<string, unknown>;
  } catch {
    throw taskFailed(`image_push: ${src}: ${entry} is not JSON`);
  }
}

/** Where the archive holds a blob (with or without a leading `./`). */
const entryOf = (entries: Set<string>, digest: string) =>
  [`blobs/sha256/${digest.replace(/^sha256:/, '')}`].flatMap((e) => [e, `./${e}`]).find((e) => entries.has(e));

/** The blobs and manifests of a descriptor, children first, as the archive holds them. */
async function walk(
  facts: FactReader,
  src: string,
  entries: Set<string>,
  d: Descriptor,
  list: PushList,
): Promise<void> {
  const entry = entryOf(entries, d.digest);
  if (!entry) throw taskFailed(`image_push: ${src} lacks ${d.digest} (${d.mediaType}): an archive of every platform?`);
  const doc = await readEntry(facts, src, entry);
  if (INDEX_TYPES.includes(d.mediaType))
    for (const m of (doc.manifests as Descriptor[] | undefined) ?? []) await walk(facts, src, entries, m, list);
  else if (MANIFEST_TYPES.includes(d.mediaType))
    for (const b of [doc.config as Descriptor, ...((doc.layers as Descriptor[] | undefined) ?? [])]) {
      const e = entryOf(entries, b.digest);
      if (!e) throw taskFailed(`image_push: ${src} lacks the blob ${b.digest}`);
      if (!list.blobs.some((x) => x.digest === b.digest)) list.blobs.push({ entry: e, digest: b.digest });
    }
  else throw taskFailed(`image_push: ${src}: ${d.digest} is a ${d.mediaType}, neither an image manifest nor an index`);
  list.manifests.push({ entry, ref: d.digest, mediaType: d.mediaType });
}

export const image_push = defineTask({
  name: 'image_push',
  description: "Push an OCI image archive to a registry under the image's own name (tar and curl on the host).",
  args: {
    src: apath(),
    registry: astr(),
    name: astr(),
    username: astr(),
    password: astr(),
    ca_path: apath(),
    validate_certs: abool().default(true),
    timeout: aint().default(300),
  },
  required: ['src', 'registry'],
  returns: { image: 'the name pushed, REGISTRY/REPOSITORY:TAG', digest: "the manifest's digest", blobs: 'blobs sent' },
  example:
    '- image_push:\n    src: "{{ inventory_dir }}/images/pause.tar"\n    registry: "{{ HARBOR_REGISTRY }}"\n' +
    '    username: "{{ REGISTRY_USER }}"\n    password: "{{ REGISTRY_PASSWORD }}"\n  delegate_to: localhost',
  async plan(args, host, facts): Promise<Plan> {
    const src = args.src!;
    if (args.password) addSecret(args.password);
    const listing = await facts.probe(['tar', '-tf', src]);
    if (listing.rc !== 0) throw taskFailed(`image_push: cannot read ${src} as a tar archive: ${listing.stderr.trim()}`);
    const entries = new Set(listing.stdout.split('\n').filter(Boolean));
    const indexEntry = ['index.json', './index.json'].find((e) => entries.has(e));
    if (!indexEntry) throw taskFailed(`image_push: ${src} is not an OCI image archive (no index.json)`);
    const index = await readEntry(facts, src, indexEntry);
    const named = ((index.manifests as Descriptor[] | undefined) ?? []).map((d) => ({
      d,
      name: d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name'],
    }));
    const pick = args.name !== undefined ? named.filter((n) => n.name === args.name || named.length === 1) : named;
    if (pick.length !== 1)
      throw taskFailed(
        `image_push: ${src} holds ${named.length} images (${named.map((n) => n.name ?? n.d.digest).join(', ')}): ` +
          'name the one to push',
      );
    const ref = splitImageName(args.name ?? pick[0]!.name ?? '');
    if (!ref) throw taskFailed(`image_push: ${src}: give the image's name with its tag (name: docker.io/x/y:1.0)`);
    const url = `https://${args.registry}/v2/${ref.repo}`;
    const list: PushList = { blobs: [], manifests: [] };
    await walk(facts, src, entries, pick[0]!.d, list);
    const top = list.manifests.at(-1)!;
    top.ref = ref.tag;
    const C = `C() { curl ${curlArgs(args, true).map(quote).join(' ')} "$@"; }`;
    const pushC = `C() { curl -K "$cfg" ${curlArgs(args, false).map(quote).join(' ')} "$@"; }`;
    const heads = async (refs: string[]) => {
      const accept = [...INDEX_TYPES, ...MANIFEST_TYPES].join(', ');
      const r = await facts.probe(['sh', '-c', `ACCEPT=${quote(accept)}\n${C}\n${HEADS}`, 'sh', url, ...refs], {
        fresh: true,
      });
      const answers = r.stdout.split('end\n').slice(0, refs.length);
      return answers.map((a) => ({ code: /code=(\d+)/.exec(a)?.[1] ?? '000', digest: /digest=(\S+)/.exec(a)?.[1] }));
    };
    const [tag] = await heads([`m:${ref.tag}`]);
    const image = `${args.registry}/${ref.repo}:${ref.tag}`;
    const digest = top.entry.replace(/^(\.\/)?blobs\/sha256\//, 'sha256:');
    if (tag!.code === '401')
      throw taskFailed(
        `image_push: ${args.registry} refused the password of ${args.username ?? 'no user'} (401 Unauthorized)`,
      );
    // in check mode a registry this run installs (11.harbor.yml) does not answer yet: all of it would be pushed
    const absent = tag!.code === '000';
    if (absent && !host.check) throw taskFailed(`image_push: no answer from https://${args.registry}`);
    const result = { image, digest, blobs: 0 };
    if (tag!.code === '200' && tag!.digest === digest) return { changes: [], result };
    const have = absent ? [] : await heads(list.blobs.map((b) => b.digest));
    const send = list.blobs.filter((_, i) => have[i]?.code !== '200');
    result.blobs = send.length;
    const items = [
      ...send.flatMap((b) => ['b', b.entry, b.digest]),
      ...list.manifests.flatMap((m) => ['m', m.entry, m.ref, m.mediaType]),
    ];
    return {
      changes: [
        {
          summary: `image_push: ${image} (${send.length} of ${list.blobs.length} blobs)`,
          actions: [{ exec: ['sh', '-c', `${pushC}\n${PUSH}`, 'sh', src, url, ...items], stdin: curlConfig(args) }],
          touches: [`image:${image}`],
        },
      ],
      result,
    };
  },
});
