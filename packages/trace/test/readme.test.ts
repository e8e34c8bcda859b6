// Every `js` code block of the README runs, in order, each as its own module body: the examples
// are documentation that cannot go stale. Their assertions (node:assert) are the checks.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, flush, setEnabled } from '@x/trace';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]!);

/** `import { a, b as c } from 'x'` and `import x from 'x'` become awaited dynamic imports. */
function toAsyncBody(code: string): string {
  return code.replace(/^import (.+?) from '([^']+)';$/gm, (_line, what: string, from: string) => {
    const named = what.trim().startsWith('{') ? what.replace(/ as /g, ': ') : `{ default: ${what.trim()} }`;
    return `const ${named} = await __import(${JSON.stringify(from)});`;
  });
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

afterEach(() => {
  configure();
  setEnabled(true);
  flush();
  vi.restoreAllMocks();
});

describe('README examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it.each(blocks.map((code, i) => [i + 1, code.split('\n').find((line) => line.trim() !== '' && !line.startsWith('import')) ?? '', code]))(
    'block %i (%s) runs',
    async (_n, _first, code) => {
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const run = new AsyncFunction('__import', toAsyncBody(code as string));
      await run((specifier: string) => import(specifier));
    },
  );
});
