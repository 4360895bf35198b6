/**
 * Decoding of the `POST /networks/create` body into the engine's typed request. Everything a
 * client sends is checked for type here, so the engine sees plain, typed values (bad input is a
 * 400 that changes nothing); what the values mean (names, drivers, subnets) the engine decides.
 */
import { invalid } from '../../errors/index.js';
import type { CreateNetworkRequest } from '../../engine/networks/network-request.js';
import { decodeIpam } from './ipam.js';
import { boolField, isObject, stringField, stringMapField } from './json-fields.js';

export function decodeNetworkCreate(body: unknown): CreateNetworkRequest {
  if (!isObject(body)) throw invalid('request', 'request body must be a JSON object');
  const configFrom = body['ConfigFrom'];
  return {
    name: stringField(body['Name'], 'Name'),
    driver: stringField(body['Driver'], 'Driver') || 'bridge',
    internal: boolField(body['Internal'], 'Internal'),
    attachable: boolField(body['Attachable'], 'Attachable'),
    ingress: boolField(body['Ingress'], 'Ingress'),
    // EnableIPv4 (API 1.48, `--ipv4=false`): absent or null means true, as Docker's *bool.
    ...(body['EnableIPv4'] === undefined || body['EnableIPv4'] === null || boolField(body['EnableIPv4'], 'EnableIPv4') ? {} : { enableIPv4: false }),
    enableIPv6: boolField(body['EnableIPv6'], 'EnableIPv6'),
    configOnly: boolField(body['ConfigOnly'], 'ConfigOnly'),
    configFrom: configFrom && typeof configFrom === 'object' ? stringField((configFrom as Record<string, unknown>)['Network'], 'ConfigFrom.Network') : '',
    scope: stringField(body['Scope'], 'Scope'),
    ipam: decodeIpam(body['IPAM']),
    options: stringMapField(body['Options'], 'Options'),
    labels: stringMapField(body['Labels'], 'Labels'),
  };
}
