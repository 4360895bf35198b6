/**
 * `docker rename`: the container's record, then its endpoints, whose name the embedded DNS
 * answers for (as Docker's sandbox service records follow a rename).
 */
import type { EndpointService } from '../networks/endpoint-service.js';
import type { ContainerService } from './container-service.js';

export async function renameContainer(deps: { containers: ContainerService; endpoints: EndpointService }, reference: string, name: string): Promise<void> {
  const container = await deps.containers.rename(reference, name);
  await deps.endpoints.renameContainer(container.id, container.name);
}
