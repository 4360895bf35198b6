/**
 * Decoding of `POST /containers/{id}/update`: the resource limits conet applies (Memory,
 * MemorySwap, NanoCpus, CpuShares, PidsLimit: resources.ts) are decoded and validated; any other
 * field set to something other than its default is refused with a 400 naming it
 * (create-fields.ts's UPDATE_FIELDS). An update that asks for nothing changes nothing.
 */
import { invalid } from '../../errors/index.js';
import type { ResourceUpdate } from '../../model/resources.js';
import { UPDATE_FIELDS } from './create-fields.js';
import { checkFields } from './create-fields-check.js';
import { object } from './json.js';
import { decodeResourceUpdate, type ResourceLimits } from './resources.js';

/** The update and the create-style Warnings for its answer. */
export function decodeContainerUpdate(body: unknown, limits: ResourceLimits): { update: ResourceUpdate; warnings: string[] } {
  if (body === undefined || body === null) throw invalid('request', 'request body must be a JSON object');
  const raw = object(body, 'request body');
  const warnings = checkFields(raw, UPDATE_FIELDS);
  return { update: decodeResourceUpdate(raw, limits), warnings };
}
