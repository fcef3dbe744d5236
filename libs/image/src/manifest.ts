/**
 * Image content types, as the JSON of OCI image-spec v1 and Docker image manifest v2
 * schema 2 spells them (both share one shape; only media types differ). Parsers that
 * check untrusted bytes against these types are in ./parse-manifest.ts.
 */
import type { Platform } from './platform.js';

/** The platform of an index entry; `os.version` and `os.features` matter only on Windows. */
export interface DescriptorPlatform extends Platform {
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

/** Points at content: what it is, its digest and its size in bytes. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  /** Set on index entries. */
  readonly platform?: DescriptorPlatform;
}

/** A single-platform image manifest: one config and the layers, base layer first. */
export interface Manifest {
  readonly schemaVersion: 2;
  /** Always set by parseManifest, from the transport or the JSON (optional in OCI JSON). */
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A multi-platform index (OCI) or manifest list (Docker). */
export interface Index {
  readonly schemaVersion: 2;
  /** Always set by parseIndex, from the transport or the JSON (optional in OCI JSON). */
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The defaults for a container run from the image (`config` in the image config). */
export interface ContainerConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>> | null;
  readonly Env?: readonly string[] | null;
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Volumes?: Readonly<Record<string, object>> | null;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly StopSignal?: string;
  /** HEALTHCHECK: Test is `["CMD-SHELL", cmd]`, `["CMD", arg…]` or `["NONE"]`; durations in nanoseconds. */
  readonly Healthcheck?: HealthConfig | null;
}

/** docker's HealthConfig, as image configs keep it (0 or absent: the default). */
export interface HealthConfig {
  readonly Test?: readonly string[] | null;
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly Retries?: number;
}

/** One step of how the image was built; `empty_layer` steps added no layer. */
export interface History {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** The image config: platform, run defaults, the uncompressed layer digests and history. */
export interface ImageConfig {
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly config?: ContainerConfig | null;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history?: readonly History[];
}
