/**
 * Counting slots per client with a total above them (forwards in flight, open TCP connections):
 * `enter` takes a slot or says no at once (never queues: a queue would be another thing a flood
 * fills), and the release it returns gives the slot back exactly once. Pure, no timers.
 */
export type Release = () => void;

export class Admission {
  private readonly perClient = new Map<string, number>();
  private inUse = 0;

  constructor(private readonly perClientLimit: number, private readonly totalLimit: number) {}

  /** A release when the client and the total are under their caps, else undefined. */
  enter(client: string): Release | undefined {
    const held = this.perClient.get(client) ?? 0;
    if (held >= this.perClientLimit || this.inUse >= this.totalLimit) return undefined;
    this.perClient.set(client, held + 1);
    this.inUse += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= 1;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left > 0) this.perClient.set(client, left);
      else this.perClient.delete(client);
    };
  }

  held(client?: string): number {
    return client === undefined ? this.inUse : (this.perClient.get(client) ?? 0);
  }
}
