import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAccountDefinitionStoreContract } from '../testing/contracts/accountDefinitionStoreContract.js';
import { EncryptedAccountDefinitionStore } from './EncryptedAccountDefinitionStore.js';
import { openSqliteDatabase } from './sqlite/openSqliteDatabase.js';
import { SqliteAccountDefinitionStore } from './sqlite/SqliteAccountDefinitionStore.js';

const key = randomBytes(32);

function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'cd-sealed-'));
  const path = join(dir, 'store', 'cd.db');
  const db = openSqliteDatabase(path);
  return { dir, path, db };
}

describeAccountDefinitionStoreContract('sqlite, sealed', async () => {
  const { dir, path, db } = tempDb();
  const reopened: ReturnType<typeof openSqliteDatabase>[] = [];
  return {
    store: new EncryptedAccountDefinitionStore(new SqliteAccountDefinitionStore({ db }), key),
    reopen: () => {
      const again = openSqliteDatabase(path);
      reopened.push(again);
      return new EncryptedAccountDefinitionStore(new SqliteAccountDefinitionStore({ db: again }), key);
    },
    cleanup: async () => {
      for (const r of reopened) r.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sealed account definitions', () => {
  it('keep secrets out of the store files, which only the service’s user may read', async () => {
    const { dir, path, db } = tempDb();
    const store = new EncryptedAccountDefinitionStore(new SqliteAccountDefinitionStore({ db }), key);
    const secret = `token-${randomBytes(8).toString('hex')}`;
    await store.put('prod', { type: 'kubernetes', name: 'prod', kubeconfigContents: `users: [{user: {token: ${secret}}}]` });
    expect(await store.list()).toEqual([{ type: 'kubernetes', name: 'prod', kubeconfigContents: `users: [{user: {token: ${secret}}}]` }]);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const files = readdirSync(join(dir, 'store'));
    for (const file of files) {
      expect(readFileSync(join(dir, 'store', file)).includes(secret), file).toBe(false);
      expect(statSync(join(dir, 'store', file)).mode & 0o077, `${file} is readable by others`).toBe(0);
    }
    expect(statSync(join(dir, 'store')).mode & 0o077).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cannot be read under another key or moved to another name', async () => {
    const { dir, db } = tempDb();
    const inner = new SqliteAccountDefinitionStore({ db });
    await new EncryptedAccountDefinitionStore(inner, key).put('a', { type: 'kubernetes', name: 'a', kubeconfigContents: 'x' });
    const [sealed] = await inner.list();
    expect(sealed).toMatchObject({ name: 'a', type: 'kubernetes' });
    expect(JSON.stringify(sealed)).not.toContain('kubeconfigContents');
    // Another key: left sealed (start-up then skips it with a warning).
    expect(await new EncryptedAccountDefinitionStore(inner, randomBytes(32)).list()).toEqual([sealed]);
    // Copied under another name: the name is authenticated, so it does not open.
    await inner.put('b', { ...sealed, name: 'b' });
    const opened = await new EncryptedAccountDefinitionStore(inner, key).list();
    expect(opened.find((d) => d.name === 'b')).toHaveProperty('encrypted');
    expect(() => new EncryptedAccountDefinitionStore(inner, randomBytes(16))).toThrow(/32 bytes/);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
