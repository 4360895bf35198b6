/**
 * Docker's push progress from what skopeo tells: its `--debug` log lines say which blob the
 * registry already had (`Skipping blob sha256:X (already present)`, after a cross-repository
 * mount `… mount OK` when it came from another repository) and which one finished uploading
 * (`Upload of layer sha256:X complete`); the bytes of a blob in flight are skopeo's read offset
 * in its file (push.ts reads them through kernel/linux/open-file-offsets.ts). Per layer, as
 * Docker: `Preparing`, `Waiting`, `Pushing` with current/total, then `Pushed`, `Layer already
 * exists` or `Mounted from REPO`; ids are the first 12 hex digits of the layer's diff_id.
 */
import type { PushEvent } from '../../../model/registry.js';
import type { PushLayer } from './push-layout.js';

const MSG = /level=debug msg="((?:[^"\\]|\\.)*)"/;
const SKIPPED = /^Skipping blob (sha256:[0-9a-f]{64}) \(already present\)/;
const UPLOADED = /^Upload of layer (sha256:[0-9a-f]{64}) complete/;
const MOUNT_TRY = /^POST \S+\?from=([^&\s]+)&mount=sha256%3A([0-9a-f]{64})/;

/** The unquoted message of a skopeo debug log line, or undefined. */
export function debugMessage(line: string): string | undefined {
  const match = MSG.exec(line);
  if (!match) return undefined;
  try {
    return JSON.parse(`"${match[1]!}"`) as string;
  } catch {
    // A Go escape JSON lacks: the text as it is (only our patterns are matched against it).
    return match[1]!;
  }
}

type Phase = 'waiting' | 'pushing' | 'done';

export class PushProgress {
  private readonly phase = new Map<string, Phase>();
  private readonly sent = new Map<string, number>();
  private mountTry: { digest: string; from: string } | undefined;
  private readonly mounted = new Map<string, string>();

  constructor(private readonly layers: readonly PushLayer[], private readonly emit: (event: PushEvent) => void) {}

  private idsOf(digest: string): string[] {
    return this.layers.filter((layer) => layer.digest === digest).map((layer) => layer.diffId.replace(/^sha256:/, '').slice(0, 12));
  }

  /** `Preparing`, then `Waiting`, for every layer, topmost first as Docker lists them. */
  begin(): void {
    const top = [...this.layers].reverse();
    for (const layer of top) this.emit({ status: 'Preparing', id: layer.diffId.replace(/^sha256:/, '').slice(0, 12) });
    for (const layer of top) {
      this.phase.set(layer.digest, 'waiting');
      this.emit({ status: 'Waiting', id: layer.diffId.replace(/^sha256:/, '').slice(0, 12) });
    }
  }

  /** One line of skopeo's stderr. */
  line(text: string): void {
    const message = debugMessage(text);
    if (message === undefined) return;
    const tried = MOUNT_TRY.exec(message);
    if (tried) this.mountTry = { digest: `sha256:${tried[2]!}`, from: decodeURIComponent(tried[1]!) };
    else if (message === '... mount OK' && this.mountTry) this.mounted.set(this.mountTry.digest, this.mountTry.from);
    const skipped = SKIPPED.exec(message);
    if (skipped) {
      const from = this.mounted.get(skipped[1]!);
      this.finish(skipped[1]!, from !== undefined ? `Mounted from ${from}` : 'Layer already exists');
    }
    const uploaded = UPLOADED.exec(message);
    if (uploaded) this.finish(uploaded[1]!, 'Pushed');
  }

  /** Bytes skopeo has read of each blob (by digest): `Pushing` for those that moved. */
  offsets(read: ReadonlyMap<string, number>): void {
    for (const [digest, current] of read) {
      const layer = this.layers.find((candidate) => candidate.digest === digest);
      const phase = this.phase.get(digest);
      if (!layer || phase === 'done' || this.sent.get(digest) === current) continue;
      this.phase.set(digest, 'pushing');
      this.sent.set(digest, current);
      for (const id of this.idsOf(digest)) this.emit({ status: 'Pushing', id, current: Math.min(current, layer.size), total: layer.size });
    }
  }

  private finish(digest: string, status: string): void {
    const phase = this.phase.get(digest);
    if (phase === undefined || phase === 'done') return;
    const layer = this.layers.find((candidate) => candidate.digest === digest)!;
    if (status === 'Pushed' && this.sent.get(digest) !== layer.size) {
      for (const id of this.idsOf(digest)) this.emit({ status: 'Pushing', id, current: layer.size, total: layer.size });
    }
    this.phase.set(digest, 'done');
    for (const id of this.idsOf(digest)) this.emit({ status, id });
  }

  /** After skopeo succeeded: a layer it said nothing about was sent (`Pushed`). */
  end(): void {
    for (const layer of this.layers) this.finish(layer.digest, 'Pushed');
  }
}
