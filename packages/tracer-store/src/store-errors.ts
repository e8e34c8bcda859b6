/**
 * Whether a failed write may succeed if tried again as it is: the database was unreachable, busy,
 * restarting or out of resources, or the transaction lost a race. Otherwise the rows themselves are
 * the problem (a value a column refuses), and trying them again fails again.
 *
 * PostgreSQL says which by SQLSTATE class: 08 connection, 40 transaction rollback (deadlock,
 * serialization), 53 insufficient resources, 57 operator intervention (shutdown), 58 system error.
 * DuckDB by its error's kind in the message ("IO Error", "Out of Memory Error", "TransactionContext
 * Error" for a write-write conflict). A Node socket error (ECONNREFUSED, ...) is a connection.
 */
export function isTransientStoreError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (isPartitionRace(error)) return true;
  if (typeof code === 'string') {
    if (/^(08|40|53|57|58)/.test(code) && code.length === 5) return true;
    if (/^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND)/.test(code)) return true;
  }
  const text = typeof message === 'string' ? message : '';
  return /^(IO Error|Out of Memory Error|TransactionContext Error)|Connection terminated|timeout exceeded when trying to connect/i.test(text);
}

/**
 * A write that raced a day's partition being attached: rows routed to the default partition just
 * before it, checked just after (SQLSTATE 23514 on a partition constraint). The same write succeeds
 * when run again, so the store runs it again at once.
 */
export function isPartitionRace(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '23514' && typeof message === 'string' && message.includes('partition constraint');
}
