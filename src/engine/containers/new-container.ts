/**
 * The record a `create` stores: the request merged with the image's defaults (command, env,
 * working directory, user, exposed ports). Pure, so `create` can reserve the name, build the
 * record and persist it as separate steps.
 */
import { hostname as osHostname } from 'node:os';
import { conflict } from '../../errors/index.js';
import { ZERO_TIME, type Container } from '../../model/container.js';
import { timestamp } from '../../util/ids.js';
import type { CreateContainerRequest } from './create-request.js';
import type { ImageInfo } from './dependencies.js';
import { mergeHealthcheck } from '../health/health-config.js';

export function newContainer(id: string, name: string, request: CreateContainerRequest, image: ImageInfo): Container {
  const entrypoint = request.config.entrypoint ?? image.entrypoint ?? [];
  const cmd = request.config.cmd ?? (request.config.entrypoint ? [] : image.cmd ?? []);
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw conflict('no-command', 'No command specified');
  const exposed = { ...Object.fromEntries(image.exposedPorts.map((port) => [port, {}])), ...request.config.exposedPorts };
  const healthcheck = mergeHealthcheck(request.config.healthcheck, image.healthcheck);
  return {
    id,
    name,
    created: timestamp(),
    imageId: image.id,
    path: argv[0] ?? '',
    args: argv.slice(1),
    config: {
      ...request.config,
      hostname: request.config.hostname || (request.hostConfig.networkMode === 'host' ? osHostname() : id.slice(0, 12)),
      env: [...(image.env ?? []), ...request.config.env],
      workingDir: request.config.workingDir || image.workingDir,
      user: request.config.user || image.user,
      exposedPorts: exposed as Container['config']['exposedPorts'],
      cmd: request.config.cmd ?? image.cmd,
      ...(healthcheck ? { healthcheck } : {}),
      volumes: [...new Set([...(image.volumes ?? []), ...(request.config.volumes ?? [])])].sort(),
    },
    hostConfig: request.hostConfig,
    endpointRequests: request.endpointRequests,
    state: { status: 'created', pid: 0, exitCode: 0, error: '', startedAt: ZERO_TIME, finishedAt: ZERO_TIME },
    sandbox: '',
    ports: [],
    restartCount: 0,
  };
}
