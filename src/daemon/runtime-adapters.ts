/**
 * Adapters between the engine's small ports (engine/containers/ports.ts) and the concrete image
 * store and OCI runtime. Composition only: the meanings are translated here, nowhere else.
 */
import type { ContainerRuntime, ImageInfo, ImageSource, RuntimeSpec } from '../engine/containers/ports.js';
import type { ImageStore } from '../runtime/images/index.js';
import type { OciRuntime } from '../runtime/containers/oci-runtime.js';

export function imageSource(store: ImageStore): ImageSource {
  return {
    find(reference: string): ImageInfo | undefined {
      const record = store.find(reference);
      if (!record) return undefined;
      const config = record.config.config;
      return {
        id: record.id,
        cmd: config.Cmd,
        entrypoint: config.Entrypoint,
        env: config.Env,
        workingDir: config.WorkingDir,
        user: config.User,
        exposedPorts: Object.keys(config.ExposedPorts ?? {}),
      };
    },
    rootfsOf: (imageId: string) => store.rootfsOf(imageId),
  };
}

export function containerRuntime(runtime: OciRuntime): ContainerRuntime {
  return {
    start: (spec: RuntimeSpec) =>
      runtime.start({
        id: spec.id,
        imageRootfs: spec.imageRootfs,
        directory: spec.directory,
        args: spec.args,
        env: spec.env,
        cwd: spec.cwd,
        hostname: spec.hostname,
        tty: spec.tty,
        openStdin: spec.openStdin,
        // The engine's "no namespace path" means host mode; the runtime's means a fresh one.
        ...(spec.netnsPath ? { netnsPath: spec.netnsPath } : { hostNetwork: true }),
        etc: spec.etc,
      }),
    waitExit: (id) => runtime.waitExit(id),
    kill: (id, signal) => runtime.kill(id, signal),
    cleanup: (id, directory) => runtime.remove(id, directory, { keepDirectory: true }),
    remove: (id, directory) => runtime.remove(id, directory),
  };
}
