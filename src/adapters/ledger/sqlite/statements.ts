// Prepared statements, prepared once per connection and reused. Preparing is
// not free: when every ledger call prepared its SQL again, better-sqlite3's
// prepare() cost more time during an execution than any query (figures:
// bench/RESULTS.md, 'Measurements behind the code').
//
// A cached statement must not be used for iterate(): an iteration keeps its
// statement busy until it ends, and another call of the same SQL in between
// would fail. The few iterating queries prepare their own statement.
import type Database from 'better-sqlite3';

export type Prepare = (sql: string) => Database.Statement;

/**
 * A prepare() that returns the same statement for the same SQL text. Dynamic
 * SQL (filters, column lists) makes a bounded number of texts; past `max` the
 * cache starts over rather than grow.
 */
export function statementCache(db: Database.Database, max = 256): Prepare {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) {
      if (cache.size >= max) cache.clear();
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
}
