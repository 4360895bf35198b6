/**
 * An engine event as Docker's events.Message, one JSON document per line. Containers and images
 * also carry the deprecated status/id/from fields (the CLI's default format still reads them at
 * 1.50). timeNano is an int64 past 2^53: written from the bigint, digit for digit.
 */
import type { EngineEvent } from '../../engine/events/event-bus.js';

export function renderEvent(event: EngineEvent): string {
  const legacy =
    event.type === 'container'
      ? { status: event.action, id: event.actor.id, from: event.actor.attributes['image'] ?? '' }
      : event.type === 'image'
        ? { status: event.action, id: event.actor.id }
        : {};
  const body = {
    ...legacy,
    Type: event.type,
    Action: event.action,
    Actor: { ID: event.actor.id, Attributes: event.actor.attributes },
    scope: 'local',
    time: Number(event.timeNano / 1_000_000_000n),
  };
  const text = JSON.stringify(body);
  return `${text.slice(0, -1)},"timeNano":${event.timeNano.toString()}}\n`;
}
