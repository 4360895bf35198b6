/**
 * Pulling from registries, as the engine and the API see it: a normalised reference, the platform
 * asked for, the credentials the client sent, and the progress events of a pull (Docker's
 * JSONMessage statuses, rendered to JSON lines by the API).
 */

/** A fully qualified reference: domain `docker.io`, path `library/nginx`, a tag and/or a digest. */
export interface RegistryReference {
  domain: string;
  path: string;
  tag?: string;
  /** `sha256:<64 hex>` */
  digest?: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** X-Registry-Auth (docker login's stored credentials), decoded. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identityToken?: string;
  serverAddress?: string;
}

export interface PullRequest {
  reference: RegistryReference;
  platform?: Platform;
  auth?: RegistryAuth;
}

/** One progress message: a layer's (id = short digest) or the pull's (id = tag), or a plain status. */
export interface PullEvent {
  status: string;
  id?: string;
  current?: number;
  total?: number;
}

/** `POST /auth`: a login to check. */
export interface LoginRequest {
  username: string;
  password: string;
  serverAddress: string;
}

/** `POST /images/{name}/push?tag=`: a repository (tag absent: every tag of it) and the credentials. */
export interface PushRequest {
  reference: RegistryReference;
  auth?: RegistryAuth;
}

/** One message of a push's stream; after each tag's digest line, one with only `aux` (Docker's PushResult). */
export interface PushEvent extends PullEvent {
  aux?: { Tag: string; Digest: string; Size: number };
}
