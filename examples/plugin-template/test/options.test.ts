import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, TracerErrorCode } from '@x/tracer-core';
import { createTracer } from '@x/example-tracer-plugin';

const dir = mkdtempSync(join(tmpdir(), 'ndjson-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const context = { configFile: join(dir, 'tracing.toml') };
writeFileSync(context.configFile, '');

describe('createTracer options', () => {
  it.each([
    ['no options table', undefined, /^options must be an object \(the options table of \[plugins.<name>\]\), got undefined$/],
    ['options that are not a table', 'spans.ndjson', /^options must be an object .*, got "spans.ndjson"$/],
    ['no file', {}, /^file is required: the path of the file to append spans to/],
    ['a file that is not a string', { file: 42 }, /^file must be a non-empty string, got 42$/],
    ['an empty file', { file: '' }, /^file must be a non-empty string, got ""$/],
    ['a misspelt option', { file: 'a.ndjson', fiel: 'b.ndjson' }, /^unknown option "fiel"; the options are file, name, scheduledDelayMillis, maxExportBatchSize, /],
    ['a folder that does not exist', { file: 'missing/spans.ndjson' }, /^file "missing\/spans.ndjson" is .*missing\/spans.ndjson, whose folder cannot be written \(ENOENT\); create the folder/],
    ['a path through a file', { file: 'tracing.toml/spans.ndjson' }, /^file "tracing.toml\/spans.ndjson" is .*, whose folder cannot be written \(ENOTDIR\)/],
    ['a file that is a folder', { file: '.' }, /^file "." is .*, a folder; name a file in it$/],
    ['an empty name', { file: 'a.ndjson', name: '' }, /^name must be a non-empty string, got ""$/],
    ["a bad value of one of the core's options", { file: 'a.ndjson', scheduledDelayMillis: -1 }, /^scheduledDelayMillis must be a non-negative number of milliseconds/],
  ])('refuses %s, naming the option and what it allows', (_case, options, message) => {
    const make = () => createTracer(options as never, context);
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(message);
    expect(() => make()).toThrow(expect.objectContaining({ code: TracerErrorCode.InvalidOption }));
  });

  it('reads a relative file from the current directory when there is no config file', () => {
    const file = join('no-such-folder', 'spans.ndjson');
    expect(() => createTracer({ file }, {})).toThrow(`is ${join(process.cwd(), file)}, whose folder`);
  });
});
