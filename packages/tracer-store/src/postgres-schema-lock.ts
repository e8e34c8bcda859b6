import type pg from 'pg';

/** The advisory lock schema setup and partition passes take, so processes sharing a database take turns. */
const SCHEMA_LOCK = 4242001;

/**
 * Runs `work` on a connection of its own holding the schema lock: several processes opening one new
 * database at once raced on CREATE TABLE, and one's CREATE INDEX on forge_traces deadlocked against
 * another's partition ATTACH. A connection that could not lock, or cannot say unlock, is closed
 * rather than returned to the pool: that releases its lock.
 */
export async function withSchemaLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let locked = false;
  try {
    await client.query(`SELECT pg_advisory_lock(${SCHEMA_LOCK})`);
    locked = true;
    return await work(client);
  } finally {
    const unlocked = locked && (await client.query(`SELECT pg_advisory_unlock(${SCHEMA_LOCK})`).then(() => true, () => false));
    client.release(!unlocked);
  }
}
