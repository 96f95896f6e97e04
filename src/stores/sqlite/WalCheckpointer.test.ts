import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/waitFor.js';
import { openSqliteDatabase } from './openSqliteDatabase.js';
import { WalCheckpointer } from './WalCheckpointer.js';

describe('WalCheckpointer', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const file = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-ckpt-'));
    dirs.push(dir);
    return join(dir, 'db.sqlite');
  };

  it('copies the WAL into the database file from its worker while the writer only appends', async () => {
    const path = file();
    const db = openSqliteDatabase(path);
    const checkpointer = WalCheckpointer.start(db, { busyEveryMs: 20, idleEveryMs: 50 });
    expect(checkpointer).toBeDefined();
    // The writer now checkpoints only past 50,000 pages: the ~12 MB below stay in the WAL unless the worker copies them.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(50_000);
    // A reset WAL keeps its file up to the same bound, so refilling it does not allocate new blocks.
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(50_000 * Number(db.pragma('page_size', { simple: true })));
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const before = statSync(path).size;
    for (let i = 0; i < 300; i++) db.transaction(() => { for (let j = 0; j < 10; j++) insert.run('x'.repeat(4000)); })();
    await waitFor(() => expect(statSync(path).size - before).toBeGreaterThan(10_000_000), 10_000);
    await checkpointer?.close();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3000 });
    db.close();
  });

  it('is not started for an in-memory database', () => {
    const db = openSqliteDatabase(':memory:');
    expect(WalCheckpointer.start(db)).toBeUndefined();
    db.close();
  });
});
