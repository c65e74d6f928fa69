// Container image names, Docker's rules: a first part without '.' or ':' (and not localhost) is Docker Hub's,
// and a bare name is in docker.io/library. The registry mirror keeps images under these full names
// (REGISTRY/docker.io/library/x:1.0: image_push, the runtime role's hosts.toml, the `mirrored` template helper).

/** The registry an image is pulled from. */
export function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  return image.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
}

/** The full name: `nginx:1` is `docker.io/library/nginx:1`, `x/y@sha256:..` is `docker.io/x/y@sha256:..`. */
export function fullImageName(image: string): string {
  if (registryOf(image) !== 'docker.io' || image.startsWith('docker.io/')) return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** The image under a registry mirror by its full name (`prefix` the mirror, host:port), or as it is without one. */
export function mirroredImage(image: string, prefix: string): string {
  return !prefix || image.startsWith(`${prefix}/`) ? image : `${prefix}/${fullImageName(image)}`;
}

/** A tagged image's repository (its full name) and tag; undefined without a tag (or with a digest). */
export function splitImageName(ref: string): { repo: string; tag: string } | undefined {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (ref.includes('@') || colon <= slash) return undefined;
  return { repo: fullImageName(ref.slice(0, colon)), tag: ref.slice(colon + 1) };
}
