/**
 * What `create` takes: a container request already decoded and validated by a front door
 * (the Docker API's is api/decode/container-create.ts). Typed, camelCase, no wire shapes.
 */
import type { ContainerConfig, ContainerHostConfig, EndpointRequest } from '../../model/container.js';

export interface CreateContainerRequest {
  config: ContainerConfig;
  hostConfig: ContainerHostConfig;
  /** Network name or id -> what is asked for on it; `--mac-address` is already on its network. */
  endpointRequests: Record<string, EndpointRequest>;
  /** Returned to the client with the new id (Docker's Warnings). */
  warnings: string[];
}
