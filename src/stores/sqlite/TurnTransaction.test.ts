import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase } from './openSqliteDatabase.js';
import { TurnTransaction } from './TurnTransaction.js';

describe('TurnTransaction', () => {
  let dir: string;
  let db: SqliteDatabase;
  /** Another connection to the same file: it sees only what is committed. */
  let other: SqliteDatabase;
  const rows = (conn: SqliteDatabase): string[] => conn.prepare<[], { v: string }>('SELECT v FROM t ORDER BY v').all().map((r) => r.v);
  const insert = (v: string) => (): void => void db.prepare('INSERT INTO t (v) VALUES (?)').run(v);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'turn-txn-'));
    db = openSqliteDatabase(join(dir, 'db.sqlite'));
    db.exec('CREATE TABLE t (v TEXT PRIMARY KEY)');
    other = openSqliteDatabase(join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    db.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the writes of one turn in one transaction, committed once the turn ends', async () => {
    const t = TurnTransaction.of(db);
    const seen: { inTransaction: boolean; mine: string[]; others: string[] }[] = [];
    const a = t.run(insert('a'));
    const b = t.run(() => {
      insert('b')();
      // The first write is here, uncommitted: the other connection does not see it yet.
      seen.push({ inTransaction: db.inTransaction, mine: rows(db), others: rows(other) });
    });
    expect(rows(other)).toEqual([]);
    await Promise.all([a, b]);
    expect(seen).toEqual([{ inTransaction: true, mine: ['a', 'b'], others: [] }]);
    expect(rows(other)).toEqual(['a', 'b']);
    expect(db.inTransaction).toBe(false);
  });

  it('gives each write its result, in the order the writes were asked for', async () => {
    const t = TurnTransaction.of(db);
    const results = await Promise.all([t.run(() => 1), t.run(() => 'two'), t.run(() => rows(db).length)]);
    expect(results).toEqual([1, 'two', 0]);
  });

  it('rolls back a failing write alone: its caller sees the error, the others are stored', async () => {
    const t = TurnTransaction.of(db);
    const ok1 = t.run(insert('a'));
    const failing = t.run(() => {
      insert('half')();
      insert('a')(); // already written this turn: a constraint error
    });
    const ok2 = t.run(insert('c'));
    await expect(failing).rejects.toThrow(/UNIQUE/);
    await Promise.all([ok1, ok2]);
    expect(rows(other)).toEqual(['a', 'c']);
  });

  it('stores nothing of a lone write that fails part-way', async () => {
    const t = TurnTransaction.of(db);
    await expect(
      t.run(() => {
        insert('x')();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(rows(other)).toEqual([]);
  });

  it('leaves writes past its time budget for the next turn’s transaction, first in line', async () => {
    let clock = 0;
    const t = TurnTransaction.of(db, 25, () => clock);
    const tick = (v: string) => (): void => {
      insert(v)();
      clock += 10;
    };
    const all = Promise.all(['a', 'b', 'c', 'd', 'e'].map((v) => t.run(tick(v))));
    await new Promise((r) => setImmediate(r));
    // 10 ms each: the third write brings the transaction to 30 ms, past the 25 ms budget.
    expect(rows(other)).toEqual(['a', 'b', 'c']);
    await all;
    expect(rows(other)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('commits writes of later turns separately; one store per connection shares the turn', async () => {
    expect(TurnTransaction.of(db)).toBe(TurnTransaction.of(db));
    await TurnTransaction.of(db).run(insert('first'));
    expect(rows(other)).toEqual(['first']);
    await TurnTransaction.of(db).run(insert('second'));
    expect(rows(other)).toEqual(['first', 'second']);
  });
});
