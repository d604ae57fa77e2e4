import { describe, expect, it } from 'vitest';
import { insertUser, seedWorkspace, setMember } from '../../../test/check-fixtures';
import { useTestApp } from '../../../test/harness';
import { AccessCache, startAccessCache } from './cache';

const ctx = useTestApp();

async function waitFor(predicate: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('AccessCache', () => {
  it('answers checks from memory, synchronously, once loaded', async () => {
    const admin = await insertUser(ctx.database.db);
    const ws = await seedWorkspace(ctx.database.db, { adminId: admin });
    const cache = await startAccessCache(ctx.database, { maxWorkspaces: 10 });
    try {
      const first = await cache.forCheck(ws.workspaceId);
      expect(first?.revision).toBe(ws.revision);
      const loads = cache.stats().loads;
      const second = cache.forCheck(ws.workspaceId);
      expect(second).not.toBeInstanceOf(Promise);
      expect(second).toBe(first);
      expect(cache.stats().loads).toBe(loads);
      expect(first?.index.level({ userId: admin }, null, 'build.flows')).toBe('edit');
    } finally {
      await cache.close();
    }
  });

  it('hears a revision announced by another writer and reloads before answering again', async () => {
    const admin = await insertUser(ctx.database.db);
    const bob = await insertUser(ctx.database.db);
    const ws = await seedWorkspace(ctx.database.db, { adminId: admin });
    const cache = await startAccessCache(ctx.database, { maxWorkspaces: 10 });
    try {
      await cache.forCheck(ws.workspaceId);
      const revision = await setMember(ctx.database.db, ws.workspaceId, bob, {
        matrix: { 'build.flows': 'edit' },
      });
      await waitFor(() => cache.stats().notifications > 0);
      // No token: the announced revision alone makes the cache read through.
      const entry = await cache.forCheck(ws.workspaceId);
      expect(entry?.revision).toBe(revision);
      expect(entry?.index.level({ userId: bob }, null, 'build.flows')).toBe('edit');
    } finally {
      await cache.close();
    }
  });

  it('get() is strictly current even when no announcement arrives', async () => {
    const admin = await insertUser(ctx.database.db);
    const bob = await insertUser(ctx.database.db);
    const ws = await seedWorkspace(ctx.database.db, { adminId: admin });
    // Never started: it hears nothing, as if the NOTIFY were lost.
    const deaf = new AccessCache(ctx.database, { maxWorkspaces: 10 });
    try {
      expect((await deaf.get(ws.workspaceId))?.members.has(bob)).toBe(false);
      const revision = await setMember(ctx.database.db, ws.workspaceId, bob);
      const state = await deaf.get(ws.workspaceId);
      expect(state?.revision).toBe(revision);
      expect(state?.members.has(bob)).toBe(true);
      // …and a check with the write's token reads through too.
      const bumped = await setMember(ctx.database.db, ws.workspaceId, bob, { role: 'admin' });
      const entry = await deaf.forCheck(ws.workspaceId, bumped);
      expect(entry?.revision).toBe(bumped);
      expect(entry?.state.members.get(bob)?.role).toBe('admin');
    } finally {
      await deaf.close();
    }
  });

  it('keeps at most maxWorkspaces workspaces, dropping the least recently used', async () => {
    const admin = await insertUser(ctx.database.db);
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => seedWorkspace(ctx.database.db, { adminId: admin })),
    );
    const cache = await startAccessCache(ctx.database, { maxWorkspaces: 2 });
    try {
      await cache.forCheck(a!.workspaceId);
      await cache.forCheck(b!.workspaceId);
      await cache.forCheck(a!.workspaceId); // a is now the most recent
      await cache.forCheck(c!.workspaceId); // evicts b
      expect(cache.stats()).toMatchObject({ size: 2, evictions: 1 });
      const loads = cache.stats().loads;
      expect(cache.forCheck(a!.workspaceId)).not.toBeInstanceOf(Promise);
      await cache.forCheck(b!.workspaceId);
      expect(cache.stats().loads).toBe(loads + 1);
    } finally {
      await cache.close();
    }
  });

  it('a workspace that does not exist is null in both modes', async () => {
    const cache = new AccessCache(ctx.database, { maxWorkspaces: 10 });
    const missing = '00000000-0000-4000-8000-000000000001';
    expect(await cache.get(missing)).toBeNull();
    expect(await cache.forCheck(missing)).toBeNull();
    expect(cache.stats().size).toBe(0);
    await cache.close();
  });
});
