/** Kubernetes label-selector semantics over containers (PolicyTarget), plus conet's network selector. */
import type { ContainerSelector, LabelRequirement, LabelSelector, PolicyTarget } from '../model/policy.js';

function requirementHolds(requirement: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'In':
      return value !== undefined && requirement.values.includes(value);
    case 'NotIn':
      return value === undefined || !requirement.values.includes(value);
  }
}

export function labelsMatch(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  return selector.matchExpressions.every((requirement) => requirementHolds(requirement, labels));
}

/** Labels, networks (any of them) and, for a label-born policy, the one container. */
export function selects(selector: ContainerSelector, target: PolicyTarget): boolean {
  if (selector.container !== undefined && selector.container !== target.containerId) return false;
  if (selector.networks.length > 0 && !selector.networks.some((network) => target.networks.includes(network))) return false;
  return labelsMatch(selector.labels, target.labels);
}
