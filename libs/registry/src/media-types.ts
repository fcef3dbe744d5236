/**
 * Manifest media types the client asks for. Kept here rather than imported from @berth/image so
 * that this package stays a leaf; the values are the OCI and docker constants.
 */

/** OCI image index. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** OCI image manifest. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** Docker manifest list (schema 2). */
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** Docker image manifest, schema 2. */
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** Docker schema 1 (signed); accepted only so that it can be reported and refused by the caller. */
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
/** Docker schema 1 (unsigned). */
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';

/** The Accept header for manifest requests, most wanted first. */
export const MANIFEST_ACCEPT = [
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  `${DOCKER_SCHEMA1_SIGNED};q=0.5`,
  `${DOCKER_SCHEMA1};q=0.5`,
].join(', ');

/** Reports whether `mediaType` is one of the manifest types above. */
export function isManifestType(mediaType: string): boolean {
  return [
    OCI_INDEX,
    OCI_MANIFEST,
    DOCKER_LIST,
    DOCKER_MANIFEST,
    DOCKER_SCHEMA1_SIGNED,
    DOCKER_SCHEMA1,
  ].includes(mediaType);
}
