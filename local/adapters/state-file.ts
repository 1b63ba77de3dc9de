import { basename } from 'node:path';
import { readFile, rename, writeFile } from 'node:fs/promises';

/** A file's text, or undefined when it does not exist yet (any other failure is thrown). */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Replaces a file atomically (write, then rename), so a crash never leaves half a file. */
export async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/**
 * Reads and decodes a state file. One that cannot be decoded (truncated by a crash or a full disk,
 * or another program's file) is moved aside as `<name>.corrupt`, named in `report`, and read as
 * absent, so the job that keeps it goes on from an empty state instead of failing every run.
 */
export async function readState<T>(path: string, decode: (text: string) => T, report: (message: string) => void): Promise<T | undefined> {
  const text = await readIfPresent(path);
  if (text === undefined) return undefined;
  try {
    return decode(text);
  } catch (error) {
    // Another reader (the query worker) may have moved it aside first.
    await rename(path, `${path}.corrupt`).catch((renameError: NodeJS.ErrnoException) => {
      if (renameError.code !== 'ENOENT') throw renameError;
    });
    report(
      `${basename(path)} could not be read (${(error as Error).message.slice(0, 200)}); moved aside as ${basename(path)}.corrupt, going on from an empty state`,
    );
    return undefined;
  }
}
