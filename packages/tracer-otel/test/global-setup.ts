// One PostgreSQL server for this package's tests (see @x/test-postgres).
export { default } from '@x/test-postgres/global-setup';
