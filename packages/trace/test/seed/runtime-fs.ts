import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The `runtime:fs` the File Export example imports: relative paths land in `root` (a test's temp dir). */
export const fsRoot = { dir: '.' };

export async function writeTextFile(path: string, text: string): Promise<void> {
  await writeFile(join(fsRoot.dir, path), text, 'utf8');
}
