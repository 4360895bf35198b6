/**
 * Rollback for multi-step use cases (netavark's setup): each step that changed something registers
 * a named undo; on failure they run in reverse, each failure is logged with the step's name and
 * none stops the rest, and the caller rethrows the ORIGINAL error (a rollback failure must neither
 * vanish nor replace the error the client should see).
 */
import { errorFields } from './log-error.js';
import type { Logger } from './logger.js';

export interface UndoStep {
  /** What the undo does, for the log: "remove sandbox conet-…", "disconnect from web". */
  name: string;
  run: () => unknown;
}

/** Runs every step, last registered first; never throws. Returns how many steps failed. */
export async function runUndo(steps: readonly UndoStep[], logger: Logger, context: Record<string, unknown> = {}): Promise<number> {
  let failed = 0;
  for (const step of [...steps].reverse()) {
    try {
      await step.run();
    } catch (error) {
      failed += 1;
      logger.warn('rollback step failed', { ...context, step: step.name, ...errorFields(error) });
    }
  }
  return failed;
}

/** The undo list of one use case: steps pushed as they succeed, rolled back together on failure. */
export class UndoStack {
  private readonly steps: UndoStep[] = [];

  push(name: string, run: () => unknown): void {
    this.steps.push({ name, run });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs the steps in reverse (see runUndo) and empties the stack. */
  async rollback(logger: Logger, context: Record<string, unknown> = {}): Promise<number> {
    const steps = this.steps.splice(0);
    return runUndo(steps, logger, context);
  }
}
