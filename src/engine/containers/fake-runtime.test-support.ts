import type { PublishedPort } from '../../model/port.js';
import type { ContainerResources } from '../../model/resources.js';
import type { ContainerRuntime, PortPublisher, PublishTarget, RuntimeSpec } from './dependencies.js';

/** A runtime whose processes exit when told to; records what it was asked. */
export class FakeRuntime implements ContainerRuntime {
  readonly started = new Map<string, RuntimeSpec>();
  readonly removed: string[] = [];
  /** Containers whose process runs now (started, not yet exited). */
  readonly alive = new Set<string>();
  failNextStart = false;
  /** Every runtime start, including those of a container started before (races count them). */
  startCalls = 0;
  private readonly exits = new Map<string, (code: number) => void>();
  private nextPid = 1000;

  async start(spec: RuntimeSpec): Promise<{ pid: number }> {
    if (this.failNextStart) {
      this.failNextStart = false;
      throw new Error('runc: exec format error');
    }
    this.startCalls += 1;
    this.started.set(spec.id, spec);
    this.alive.add(spec.id);
    return { pid: this.nextPid++ };
  }

  waitExit(id: string): Promise<number> {
    return new Promise((resolve) => this.exits.set(id, resolve));
  }

  /** Simulates the process ending. */
  exit(id: string, code: number): void {
    this.alive.delete(id);
    this.exits.get(id)?.(code);
    this.exits.delete(id);
  }

  /** Signals sent, as "<id> <signal>". */
  readonly signals: string[] = [];
  /** Containers frozen now. */
  readonly frozen = new Set<string>();
  /** Signals the fake processes ignore (a trap that does nothing). */
  readonly ignored = new Set<string>();

  async kill(id: string, signal: string): Promise<void> {
    this.signals.push(`${id} ${signal}`);
    if (this.ignored.has(signal)) return;
    this.exit(id, signal === 'SIGKILL' || signal === '9' ? 137 : 143);
  }

  async pause(id: string): Promise<void> {
    this.frozen.add(id);
  }

  async resume(id: string): Promise<void> {
    this.frozen.delete(id);
  }

  /** Clean-ups after exits, in order, with whether the root overlay stayed. */
  readonly cleanedUp: Array<{ id: string; keepRootfs: boolean }> = [];

  async cleanup(id: string, _directory: string, options?: { keepRootfs?: boolean }): Promise<void> {
    this.cleanedUp.push({ id, keepRootfs: options?.keepRootfs === true });
  }

  /** `docker update`s applied to running containers, in order. */
  readonly updates: Array<{ id: string; resources: ContainerResources }> = [];
  failNextUpdate = false;

  async updateResources(id: string, resources: ContainerResources): Promise<void> {
    if (this.failNextUpdate) {
      this.failNextUpdate = false;
      throw new Error('runc update: Device or resource busy');
    }
    this.updates.push({ id, resources });
  }

  logPathOf(directory: string): string {
    return `${directory}/container.log`;
  }

  async remove(id: string): Promise<void> {
    this.removed.push(id);
  }
}

export class FakePorts implements PortPublisher {
  readonly published = new Map<string, PublishTarget>();
  async publish(target: PublishTarget): Promise<PublishedPort[]> {
    this.published.set(target.containerId, target);
    let next = 32768;
    return target.bindings.map((binding) => ({
      containerPort: binding.containerPort, protocol: binding.protocol, hostIp: binding.hostIp || '0.0.0.0', hostPort: binding.hostPort?.start ?? next++,
    }));
  }
  async unpublish(containerId: string): Promise<void> {
    this.published.delete(containerId);
  }
}
