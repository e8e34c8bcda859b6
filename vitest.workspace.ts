import { readdirSync, existsSync } from 'node:fs';

/**
 * The one list of test projects: every workspace package with a `test/` folder. The root
 * `vitest.config.ts` imports it (Vitest 4 no longer reads this file by itself).
 */
const roots = ['packages', 'examples', '.']
  .flatMap((dir) => (dir === '.' ? ['bench'] : readdirSync(dir).map((name) => `${dir}/${name}`)))
  .filter((root) => existsSync(`${root}/test`));

export default roots.map((root) => ({
  // Read sibling packages from source (the `source` export condition): no build before tests.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: root.split('/').pop()!,
    root,
    include: ['test/**/*.test.ts'],
    // A package that needs a server for its tests (PostgreSQL) starts it once in its global setup.
    ...(existsSync(`${root}/test/global-setup.ts`) ? { globalSetup: ['test/global-setup.ts'] } : {}),
  },
}));
