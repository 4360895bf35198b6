/**
 * The CNI verbs over the engine (the daemon's route, or the standalone plugin's own engine):
 * attachments through AttachmentService, CHECK against the kernel, STATUS from the firewall.
 */
import type { AttachmentService } from '../engine/attachments/attachment-service.js';
import { checkAttachment, type CheckDeps } from '../engine/attachments/attachment-check.js';
import { attachmentOwner, type AttachRequest, type Attachment } from '../engine/attachments/attachment.js';
import { CNI_CODES, cniError, toCniError } from './cni-error.js';
import type { CniBackend } from './plugin.js';

export interface EngineBackendDeps extends CheckDeps {
  attachments: AttachmentService;
  /** Whether conet's nftables table is in place. */
  firewallReady(): Promise<boolean>;
}

export function engineBackend(deps: EngineBackendDeps): CniBackend {
  return {
    async add(request: AttachRequest): Promise<Attachment> {
      await deps.attachments.prepare(request.spec).catch((error: unknown) => {
        throw toCniError(error, 'config');
      });
      return deps.attachments.add(request);
    },
    remove: (key) => deps.attachments.remove(key),
    check: (key) => checkAttachment(deps, deps.attachments.get(key), attachmentOwner(key)),
    async status() {
      if (!(await deps.firewallReady())) throw cniError(CNI_CODES.pluginNotAvailable, 'conet firewall table is not in place');
    },
    gc: (network, valid) => deps.attachments.collect(network, valid.map((entry) => ({ ...entry, network }))),
    netnsPath: (name) => deps.netnsPath(name),
  };
}
