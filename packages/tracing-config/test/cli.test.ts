// The x-tracing command, run as a process: what it prints and its exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('x-tracing check', () => {
  it('prints every site of a file, exit 0', () => {
    const { code, stdout, stderr } = run('check', fixture('two-sites.toml'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^site \(top level\) from .*two-sites\.toml\n {2}service {4}shop\n/);
    expect(stdout).toContain('site api from');
    expect(stdout).toContain('site worker from');
    expect(stdout).toContain('x-api-key=[redacted]');
    expect(stdout).not.toContain('s3cr3t');
  });

  it('prints one site with --site; an unknown site is an error', () => {
    const { code, stdout } = run('check', fixture('forge.toml'), '--site', 'nope');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const one = run('check', fixture('two-sites.toml'), '--site', 'worker');
    expect(one.code).toBe(0);
    expect(one.stdout.match(/^site /gm)).toHaveLength(1);
  });

  it('prints the error and exits 1 for a bad file, a missing file, a bad command', () => {
    const missing = run('check', '/nonexistent/tracing.toml');
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe('x-tracing: /nonexistent/tracing.toml: cannot read the file (ENOENT)\n');
    const usage = run('lint');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/unknown command "lint"; usage: x-tracing check <tracing\.toml> \[--site NAME\] \[--load\]/);
  });

  it('--load builds each site, so a backend that cannot be built is an error', () => {
    const plain = run('check', fixture('missing-plugin.toml'));
    expect(plain.code).toBe(0);
    const { code, stderr } = run('check', fixture('missing-plugin.toml'), '--load');
    expect(code).toBe(1);
    expect(stderr).toMatch(/missing-plugin\.toml: plugins\.gone: plugin "gone": path "\.\/gone\.mjs" is .*gone\.mjs, which does not exist/);
    expect(run('check', fixture('forge.toml'), '--load').code).toBe(0);
  });
});
