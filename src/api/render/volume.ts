/** A volume as Docker's API shows it (`docker volume inspect`, `GET /volumes`). */
import type { Volume } from '../../model/volume.js';

export function renderVolume(volume: Volume, mountpoint: string): Record<string, unknown> {
  return {
    CreatedAt: volume.createdAt,
    Driver: volume.driver,
    Labels: volume.labels,
    Mountpoint: mountpoint,
    Name: volume.name,
    Options: volume.anonymous && Object.keys(volume.options).length === 0 ? null : volume.options,
    Scope: 'local',
  };
}
