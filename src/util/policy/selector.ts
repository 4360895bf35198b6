/** Kubernetes LabelSelector (matchLabels, matchExpressions) and conet's `networks` extension. */
import type { ContainerSelector, LabelRequirement, LabelSelector } from '../../model/policy.js';
import { list, obj, onlyFields } from './fields.js';
import { bad, labelKey, labelValue } from './values.js';

const OPERATORS: readonly LabelRequirement['operator'][] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function requirement(value: unknown, field: string): LabelRequirement {
  const raw = obj(value, field);
  onlyFields(raw, field, ['key', 'operator', 'values']);
  const key = labelKey(raw['key'], `${field}.key`);
  const operator = raw['operator'];
  if (!OPERATORS.includes(operator as LabelRequirement['operator'])) {
    throw bad(`${field}.operator`, `must be one of ${OPERATORS.join(', ')}`);
  }
  const op = operator as LabelRequirement['operator'];
  const values = list(raw['values'], `${field}.values`).map((item, i) => labelValue(item, `${field}.values[${i}]`));
  const needsValues = op === 'In' || op === 'NotIn';
  if (needsValues && values.length === 0) throw bad(`${field}.values`, `must not be empty for operator ${op}`);
  if (!needsValues && values.length > 0) throw bad(`${field}.values`, `must be empty for operator ${op}`);
  return { key, operator: op, values };
}

export function labelSelector(value: unknown, field: string): LabelSelector {
  const raw = obj(value, field);
  onlyFields(raw, field, ['matchLabels', 'matchExpressions']);
  const matchLabels: Record<string, string> = {};
  for (const [key, item] of Object.entries(obj(raw['matchLabels'], `${field}.matchLabels`))) {
    matchLabels[labelKey(key, `${field}.matchLabels`)] = labelValue(item, `${field}.matchLabels.${key}`);
  }
  const matchExpressions = list(raw['matchExpressions'], `${field}.matchExpressions`).map((item, i) =>
    requirement(item, `${field}.matchExpressions[${i}]`),
  );
  return { matchLabels, matchExpressions };
}

const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** conet's extension: a list of network names (or ids) the container must be attached to. */
export function networkNames(value: unknown, field: string): string[] {
  return list(value, field).map((item, i) => {
    if (typeof item !== 'string' || !NETWORK_NAME.test(item)) throw bad(`${field}[${i}]`, `invalid network name ${JSON.stringify(item)}`);
    return item;
  });
}

export function containerSelector(labels: unknown, networks: unknown, field: string, networksField: string): ContainerSelector {
  return { labels: labelSelector(labels, field), networks: networkNames(networks, networksField) };
}
