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
