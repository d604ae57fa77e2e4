import { describe, expect, it } from 'vitest';
import { insertUser, revokeApiKey, seedWorkspace } from '../../../test/check-fixtures';
import { useTestApp } from '../../../test/harness';
import { resolveApiKey } from '../../auth/api-keys';
import { ApiKeyCache } from './api-keys';
import { startAccessCache } from './cache';

const ctx = useTestApp();

describe('API-key resolution cache', () => {
  it('resolves a known key from memory until its workspace announces a change', async () => {
    const db = ctx.database.db;
    const ws = await seedWorkspace(db, { adminId: await insertUser(db) });
    const cache = new ApiKeyCache();
    const first = await resolveApiKey(db, ws.apiKey.secret, cache);
    expect(first).toEqual({ apiKeyId: ws.apiKey.id, workspaceId: ws.workspaceId, name: 'platform backend' });
    expect(cache.size).toBe(1);
    // Revoked behind the cache's back (no revision bump): memory still answers, proving no query ran…
    await db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('workspace_id', '=', ws.workspaceId)
      .where('id', '=', ws.apiKey.id)
      .execute();
    expect(await resolveApiKey(db, ws.apiKey.secret, cache)).toEqual(first);
    // …until the workspace's change is announced.
    cache.invalidateWorkspace(ws.workspaceId);
    expect(await resolveApiKey(db, ws.apiKey.secret, cache)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('a resolution that raced with an invalidation is not cached; expired entries are dropped', async () => {
    const cache = new ApiKeyCache();
    const key = { apiKeyId: 'k', workspaceId: 'w', name: 'n', expiresAt: null, lastUsedWrite: 0 };
    const epoch = cache.epoch();
    cache.invalidateWorkspace('other');
    cache.set('h1', key, epoch);
    expect(cache.get('h1')).toBeUndefined();
    cache.set('h2', { ...key, expiresAt: Date.now() - 1 }, cache.epoch());
    expect(cache.get('h2')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('the access cache drops a workspace’s keys when it hears the revocation', async () => {
    const db = ctx.database.db;
    const ws = await seedWorkspace(db, { adminId: await insertUser(db) });
    const access = await startAccessCache(ctx.database, { maxWorkspaces: 10 });
    try {
      expect(await resolveApiKey(db, ws.apiKey.secret, access.apiKeys)).not.toBeNull();
      expect(access.apiKeys.size).toBe(1);
      await revokeApiKey(db, ws.workspaceId, ws.apiKey.id);
      const deadline = Date.now() + 2000;
      while (access.apiKeys.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(await resolveApiKey(db, ws.apiKey.secret, access.apiKeys)).toBeNull();
    } finally {
      await access.close();
    }
  });
});
