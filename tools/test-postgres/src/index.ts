export { startPostgres, type PostgresServer } from './postgres-server.js';
export { freshDatabase } from './fresh-database.js';
