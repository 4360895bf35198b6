/**
 * Decoding of the `POST /volumes/create` body (Name, Driver, DriverOpts, Labels) into the
 * engine's typed request; a wrong type is a 400 naming the field. Cluster volumes (Swarm's CSI,
 * API 1.42+) are refused: conet has no Swarm.
 */
import { invalid } from '../../errors/index.js';
import type { CreateVolumeRequest } from '../../engine/volumes/volume-service.js';
import { isObject, stringField, stringMapField } from './json-fields.js';

export function decodeVolumeCreate(body: unknown): CreateVolumeRequest {
  if (!isObject(body)) throw invalid('request', 'request body must be a JSON object');
  if (body['ClusterVolumeSpec'] !== undefined && body['ClusterVolumeSpec'] !== null) {
    throw invalid('request', 'ClusterVolumeSpec: cluster volumes are not supported by conet (it has no Swarm)');
  }
  return {
    name: stringField(body['Name'], 'Name'),
    driver: stringField(body['Driver'], 'Driver'),
    options: stringMapField(body['DriverOpts'], 'DriverOpts'),
    labels: stringMapField(body['Labels'], 'Labels'),
  };
}
