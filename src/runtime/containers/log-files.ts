/**
 * A container's log as a set of files, Docker json-file style: `container.log` is the live file
 * conmon appends to, `container.log.1` the one before it, up to `container.log.<max-file - 1>`.
 * Rotation renames each file one step older, then asks conmon to reopen its log (its control
 * fifo message "2 0 0"): conmon writes to the renamed file until it has reopened, and its reopen
 * creates the new live file only after it has closed the old one, so nothing written is lost and
 * a reader that sees a new live file knows the old one is complete.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The rotated files that exist now, oldest first (the live file not included). */
export async function rotatedLogFiles(path: string): Promise<string[]> {
  const prefix = `${basename(path)}.`;
  // No directory (removed meanwhile): no rotated files.
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return names
    .filter((name) => name.startsWith(prefix) && /^\d{1,4}$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => b - a)
    .map((index) => join(dirname(path), `${prefix}${index}`));
}

const ignoreMissing = (error: NodeJS.ErrnoException): void => {
  if (error.code !== 'ENOENT') throw error;
};

/**
 * Shifts the files one step older and has the writer reopen the live file (`reopen`); the file
 * that falls off the end (`.<maxFiles>`) is deleted once the writer has let go of it.
 */
export async function rotateLogFiles(path: string, maxFiles: number, reopen: () => Promise<void>): Promise<void> {
  for (let index = maxFiles - 1; index >= 1; index--) {
    await rename(`${path}.${index}`, `${path}.${index + 1}`).catch(ignoreMissing);
  }
  await rename(path, `${path}.1`).catch(ignoreMissing);
  await reopen();
  await rm(`${path}.${maxFiles}`, { force: true });
}
