/** Decoding of network policies (issue 13): NetworkPolicy documents and the conet.* label shortcuts. */
export { decodeNetworkPolicy, parsePolicyDocuments, policyName, MAX_DOCUMENT_BYTES } from './document.js';
export { decodePolicyLabels, EGRESS_LABEL, INGRESS_LABEL, EGRESS_DNS_LABEL } from './labels.js';
export { fqdnMatches } from './fqdn-match.js';
