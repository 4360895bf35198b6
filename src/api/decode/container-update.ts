/**
 * Decoding of `POST /containers/{id}/update` (Resources and RestartPolicy): conet applies none of
 * them yet, so any field set to something other than its default is refused with a 400 naming it
 * (create-fields.ts's UPDATE_FIELDS), and an update that asks for nothing changes nothing.
 */
import { invalid } from '../../errors/index.js';
import { UPDATE_FIELDS } from './create-fields.js';
import { checkFields } from './create-fields-check.js';
import { object } from './json.js';

/** The create-style Warnings for the update's answer. */
export function decodeContainerUpdate(body: unknown): string[] {
  if (body === undefined || body === null) throw invalid('request', 'request body must be a JSON object');
  return checkFields(object(body, 'request body'), UPDATE_FIELDS);
}
