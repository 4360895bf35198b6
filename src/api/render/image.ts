/** Image records -> the JSON Docker 20.10 returns for `GET /images/json` and `/images/{name}/json`. */
import type { ContainerConfig, ImageRecord } from '../../model/image.js';
import { imageAt, imageSummaryAt } from './versioned.js';

/** The full Config object Docker shows (every field, even unset ones). */
function renderConfig(config: ContainerConfig): Record<string, unknown> {
  return {
    Hostname: '',
    Domainname: '',
    User: config.User,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(config.ExposedPorts ? { ExposedPorts: config.ExposedPorts } : {}),
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: config.Env,
    Cmd: config.Cmd,
    Image: '',
    Volumes: config.Volumes && Object.keys(config.Volumes).length > 0 ? config.Volumes : null,
    WorkingDir: config.WorkingDir,
    Entrypoint: config.Entrypoint,
    OnBuild: null,
    Labels: config.Labels,
    ...(config.Healthcheck ? { Healthcheck: config.Healthcheck } : {}),
  };
}

export function renderImageSummary(image: ImageRecord, version: string): Record<string, unknown> {
  return imageSummaryAt({
    Containers: -1,
    Created: Math.floor(Date.parse(image.config.created) / 1000),
    Id: image.id,
    Labels: image.config.config.Labels,
    ParentId: '',
    RepoDigests: image.repoDigests,
    RepoTags: image.repoTags,
    SharedSize: -1,
    Size: image.size,
    VirtualSize: image.size,
  }, version);
}

/** Docker's overlay2 shape: the top layer as UpperDir, the ones below (top first) as LowerDir. */
function graphDriver(layers: readonly string[]): Record<string, unknown> {
  const below = layers.slice(0, -1).reverse();
  return { Data: { ...(below.length > 0 ? { LowerDir: below.join(':') } : {}), UpperDir: layers.at(-1) ?? '' }, Name: 'overlay2' };
}

export function renderImage(image: ImageRecord, layers: readonly string[], version: string): Record<string, unknown> {
  const config = renderConfig(image.config.config);
  return imageAt({
    Id: image.id,
    RepoTags: image.repoTags,
    RepoDigests: image.repoDigests,
    Parent: '',
    Comment: image.config.comment ?? '',
    Created: image.config.created,
    Container: '',
    ContainerConfig: renderConfig({ Cmd: null, Entrypoint: null, Env: null, WorkingDir: '', Labels: null, User: '' }),
    DockerVersion: '',
    Author: '',
    Config: config,
    Architecture: image.config.architecture,
    Os: image.config.os,
    Size: image.size,
    VirtualSize: image.size,
    GraphDriver: graphDriver(layers),
    RootFS: { Type: 'layers', Layers: image.config.rootfs.diff_ids },
    Metadata: { LastTagTime: image.lastTagTime || '0001-01-01T00:00:00Z' },
  }, version);
}
