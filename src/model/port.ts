/** Transport protocols a port can be published for, as Docker spells them. */
export type PortProtocol = 'tcp' | 'udp' | 'sctp';
