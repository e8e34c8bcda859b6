import { InvalidOptionError } from '@x/tracer-core';

/**
 * A configuration that cannot be used: which file, which key (`sites.api.observability.export.otlp_endpoint`),
 * what was wrong and what is allowed, in the message. Nothing was built.
 */
export class ConfigError extends InvalidOptionError {
  override readonly name: string = 'ConfigError';
  /** The file, or `<object>` for a configuration given as an object, `<environment>` for a variable. */
  readonly file: string;
  /** The dotted key path, '' for the whole document. */
  readonly keyPath: string;

  constructor(file: string, keyPath: string, problem: string, options?: ErrorOptions) {
    super(keyPath === '' ? `${file}: ${problem}` : `${file}: ${keyPath}: ${problem}`, options);
    this.file = file;
    this.keyPath = keyPath;
  }
}
