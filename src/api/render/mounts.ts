/**
 * inspect's `Mounts` (and `docker ps`'s), as Docker shows its mount points: the binds and
 * `--mount` entries in destination order; `--tmpfs` ones are not mount points and don't show
 * (as in Docker). A volume shows its name and driver; its Source is the volume's directory, given
 * by `volumeSource` (empty until the volumes part knows it).
 */
import type { MountSpec } from '../../model/mounts.js';

export type VolumeSource = (name: string) => string;

function renderMount(spec: MountSpec, volumeSource: VolumeSource): Record<string, unknown> {
  const rw = !spec.readOnly;
  switch (spec.type) {
    case 'bind':
      return { Type: 'bind', Source: spec.source, Destination: spec.destination, Mode: spec.mode, RW: rw, Propagation: spec.propagation };
    case 'tmpfs':
      return { Type: 'tmpfs', Source: '', Destination: spec.destination, Mode: '', RW: rw, Propagation: '' };
    case 'volume':
      return { Type: 'volume', Name: spec.name, Source: volumeSource(spec.name), Destination: spec.destination, Driver: spec.driver || 'local', Mode: spec.mode, RW: rw, Propagation: '' };
  }
}

export function renderMounts(specs: readonly MountSpec[] | undefined, volumeSource: VolumeSource = () => ''): Array<Record<string, unknown>> {
  return (specs ?? [])
    .filter((spec) => spec.origin !== 'tmpfs')
    .sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0))
    .map((spec) => renderMount(spec, volumeSource));
}
