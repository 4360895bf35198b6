/**
 * `HostConfig.LogConfig` (`--log-driver`, `--log-opt`): `{"Type": "json-file", "Config":
 * {"max-size": "10m"}}`. The CLI sends `{"Type": "", "Config": {}}` when neither is given.
 */
import type { LogConfig } from '../../model/container.js';
import { validateLogConfig } from '../../engine/containers/log-options.js';
import { object, string, stringMap } from './json.js';

export function decodeLogConfig(value: unknown): LogConfig {
  const raw = object(value, 'HostConfig.LogConfig');
  const config = { type: string(raw['Type'], 'HostConfig.LogConfig.Type'), config: { ...stringMap(raw['Config'], 'HostConfig.LogConfig.Config') } };
  validateLogConfig(config);
  return config;
}
