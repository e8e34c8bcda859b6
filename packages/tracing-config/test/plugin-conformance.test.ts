// The plugin template, loaded by package name the way a configuration loads it, against the conformance kit.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TracerPlugin } from '@x/tracer-core';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { loadPlugin } from '../src/plugin-loader.js';
import { parseConfig } from '../src/tracing-config.js';

// A config file in this package's folder: @x/example-tracer-plugin resolves from its node_modules.
const configFile = fileURLToPath(new URL('./fixtures/tracing.toml', import.meta.url));
const written = new WeakMap<TracerPlugin, string>();

async function loadedByName(): Promise<TracerPlugin> {
  const file = join(mkdtempSync(join(tmpdir(), 'x-plugin-conformance-')), 'spans.ndjson');
  const config = parseConfig(`[plugins.audit]\npackage = "@x/example-tracer-plugin"\noptions = { file = ${JSON.stringify(file)} }\n`, configFile);
  const table = config.plugins.get('audit')!;
  const plugin = await loadPlugin(
    { name: table.name, package: table.package, options: table.options, keyPath: table.keyPath, file: configFile },
    { name: 'audit', site: undefined, serviceName: 'conformance', resourceAttributes: {}, configFile },
  );
  written.set(plugin, file);
  return plugin;
}

function exported(plugin: TracerPlugin): never {
  const text = readFileSync(written.get(plugin)!, 'utf8').trim();
  return (text === '' ? [] : text.split('\n').map((line) => JSON.parse(line))) as never;
}

describeConformance('@x/example-tracer-plugin loaded by package name', loadedByName, { exported });
