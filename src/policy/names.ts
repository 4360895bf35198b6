/** Names of a policy's objects in table `inet conet`; ids are 64 hex digits, so names stay nft-safe. */
export const fqdnSet4 = (policyId: string): string => `fqdn4_${policyId}`;
export const fqdnSet6 = (policyId: string): string => `fqdn6_${policyId}`;
