/** Durations of the steps of one operation, in ms with 0.1 ms resolution (the benchmarks read them). */
export class StepClock {
  readonly steps: Record<string, number> = {};
  private last = performance.now();

  mark(step: string): void {
    const now = performance.now();
    this.steps[step] = Math.round((now - this.last) * 10) / 10;
    this.last = now;
  }
}
