/** This package's name and version, as `info()` reports them (a test keeps them equal to package.json). */
export const PACKAGE_NAME = '@x/trace';
export const PACKAGE_VERSION = '0.1.0';
