/**
 * Decoding of `POST /containers/{id}/update`: the resource limits conet applies (resources.ts) are decoded and validated, and so is
 * the restart policy (lifecycle.ts); any other field set to something other than its default is
 * refused with a 400 naming it (create-fields.ts's UPDATE_FIELDS). An update that asks for
 * nothing changes nothing.
 */
import { invalid } from '../../errors/index.js';
import type { RestartPolicy } from '../../model/container.js';
import type { ResourceUpdate } from '../../model/resources.js';
import { UPDATE_FIELDS } from './create-fields.js';
import { checkFields } from './create-fields-check.js';
import { object, string } from './json.js';
import { decodeRestartPolicy } from './lifecycle.js';
import { decodeResourceUpdate, type ResourceLimits } from './resources.js';

export interface ContainerUpdate {
  update: ResourceUpdate;
  /** undefined: not asked for (no --restart; the CLI then sends an empty Name). */
  restartPolicy?: RestartPolicy;
  /** The create-style Warnings for the update's answer. */
  warnings: string[];
}

export function decodeContainerUpdate(body: unknown, limits: ResourceLimits): ContainerUpdate {
  if (body === undefined || body === null) throw invalid('request', 'request body must be a JSON object');
  const raw = object(body, 'request body');
  const warnings = checkFields(raw, UPDATE_FIELDS);
  const update = decodeResourceUpdate(raw, limits, warnings);
  const policy = raw['RestartPolicy'];
  if (policy === undefined || policy === null || string(object(policy, 'RestartPolicy')['Name'], 'RestartPolicy.Name') === '') return { update, warnings };
  // --rm is checked against the container (Docker's message for update differs from create's).
  return { update, restartPolicy: decodeRestartPolicy(policy, false), warnings };
}
