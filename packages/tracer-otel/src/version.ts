export const PACKAGE_NAME = '@x/tracer-otel';
export const PACKAGE_VERSION = '0.1.0';
