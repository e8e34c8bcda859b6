// Checks what npm installed from the tarballs, as a user gets it: every @x package came from its
// tarball (none from the registry, no nested copy), and its package.json sends users only to
// built files that are there, with no workspace: versions, and with its license and README.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const installed = Object.keys(lock.packages).filter((path) => path.includes('node_modules/@x/'));
const names = readdirSync('node_modules/@x').map((name) => `@x/${name}`);

for (const name of names) {
  const dir = `node_modules/${name}`;
  assert.match(lock.packages[dir].resolved, /^file:/, `${name} was not installed from its tarball`);
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const problem = (what) => `${name}: ${what}`;

  assert.doesNotMatch(JSON.stringify(pkg), /workspace:/, problem('a workspace: version is left'));
  assert.equal(pkg.license, 'Apache-2.0', problem('license'));
  assert.match(readFileSync(`${dir}/LICENSE`, 'utf8'), /Apache License\s+Version 2\.0/, problem('LICENSE'));
  assert.ok(existsSync(`${dir}/README.md`), problem('no README.md'));
  assert.ok(pkg.engines?.node, problem('no engines.node'));
  assert.deepEqual(
    // web-dist: the viewer's built page, shipped so that serving it needs no build.
    readdirSync(dir).filter((file) => !['LICENSE', 'README.md', 'package.json', 'dist', 'src', 'web-dist'].includes(file)),
    [],
    problem('unexpected files'),
  );
  assert.equal(readdirSync(`${dir}/dist`).filter((file) => file.endsWith('.tsbuildinfo')).length, 0, problem('tsbuildinfo'));
  for (const [entry, conditions] of Object.entries(pkg.exports)) {
    assert.deepEqual(Object.keys(conditions), ['types', 'default'], problem(`exports['${entry}'] conditions`));
    assert.match(conditions.types, /^\.\/dist\/.*\.d\.ts$/, problem(`exports['${entry}'].types`));
    assert.match(conditions.default, /^\.\/dist\/.*\.js$/, problem(`exports['${entry}'].default`));
    for (const file of Object.values(conditions)) assert.ok(existsSync(`${dir}/${file}`), problem(`${file} is missing`));
  }
}
assert.deepEqual(installed.sort(), names.map((name) => `node_modules/${name}`).sort(), 'nested or extra @x copies');
console.log(`${names.length} packages installed from their tarballs: ${names.join(', ')}`);
