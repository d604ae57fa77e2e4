import { createPublicKey, verify } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/harness';
import { entryHash, recordActivity } from '../../audit/record';
import { generateSealKey, lastSeal, sealChain, sealMessage, signSeal } from '../../audit/seal';
import type { Actor } from '../../auth/principal';
import type { DB } from '../../db/schema';
import { type AuditOutput, auditCommand } from './cli';
import { createSealJob, SEAL_EVERY_ENTRIES } from './seal-job';
import { verifyChain } from './verify';

/**
 * Signed seals (issue 14, "A chain an insider can rewrite"; docs/audit.md
 * "Signed seals"): someone with write access to the database who edits an
 * entry and recomputes every hash after it, or deletes the newest entries,
 * no longer gets an intact report.
 */
const ctx = useTestApp({ consoleDir: '/nonexistent-console' });
const ADA: Actor = { type: 'user', id: '11111111-1111-4111-8111-111111111111', name: 'Ada Admin' };

const key = () => ctx.config.auditSigningKey;
const verifyWithKey = (ws: string | null) => verifyChain(ctx.app.db, ws, { sealKey: key() });

async function newWorkspace(): Promise<string> {
  const row = await ctx.app.db
    .insertInto('workspaces')
    .values({ name: 'Acme' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** `n` entries in one transaction (fast: the chain's lock is taken once per entry, in one session). */
async function seed(workspaceId: string, n: number): Promise<void> {
  await ctx.app.db.transaction().execute(async (tx) => {
    for (let i = 1; i <= n; i++) {
      await recordActivity(tx, {
        workspaceId,
        actor: ADA,
        action: `thing.step_${i}`,
        target: { type: 'user', id: 'u1' },
        after: { i },
      });
    }
  });
}

/** Runs statements with the append-only triggers switched off, as a database superuser can. */
async function asInsider(fn: (tx: Transaction<DB>) => Promise<void>): Promise<void> {
  await ctx.app.db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await fn(tx);
  });
}

/**
 * The insider's rewrite: changes `after` of entry `seq`, then recomputes its
 * hash and every later entry's prev_hash and hash, so the chain alone verifies.
 */
async function rewrite(workspaceId: string, seq: number, after: unknown): Promise<void> {
  await asInsider(async (tx) => {
    const rows = await tx
      .selectFrom('activity_log')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('seq', '>=', seq)
      .orderBy('seq')
      .execute();
    const previous = await tx
      .selectFrom('activity_log')
      .select('hash')
      .where('workspace_id', '=', workspaceId)
      .where('seq', '=', seq - 1)
      .executeTakeFirst();
    let prevHash = previous?.hash ?? '0'.repeat(64);
    for (const row of rows) {
      const { id, prev_hash: _p, hash: _h, ...content } = row;
      const fields = { ...content, seq: Number(row.seq), after: Number(row.seq) === seq ? after : row.after };
      const hash = entryHash(prevHash, fields);
      await sql`UPDATE activity_log SET after = ${JSON.stringify(fields.after)}::jsonb, prev_hash = ${prevHash}, hash = ${hash} WHERE id = ${id}`.execute(
        tx,
      );
      prevHash = hash;
    }
  });
}

function capture(): AuditOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('signed seals', () => {
  it('an untouched chain with seals verifies intact, its seals verified', async () => {
    const ws = await newWorkspace();
    await seed(ws, 4);
    expect(await sealChain(ctx.app.db, key(), ws)).toMatchObject({ seq: 4 });
    // Sealing an already sealed head writes nothing.
    expect(await sealChain(ctx.app.db, key(), ws)).toBeNull();
    await seed(ws, 3);
    await sealChain(ctx.app.db, key(), ws);
    const report = await verifyWithKey(ws);
    expect(report).toMatchObject({
      intact: true,
      checked: 7,
      firstBad: null,
      seals: { count: 2, verified: 2, unverifiable: 0, lastSeq: 7 },
    });
    expect(report.seals.lastSealedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("an insider's edit with every later hash recomputed: the chain alone passes, the seal says seal_mismatch", async () => {
    const ws = await newWorkspace();
    await seed(ws, 6);
    await sealChain(ctx.app.db, key(), ws); // seals seq 6
    await seed(ws, 2);
    await rewrite(ws, 3, { i: 'forged' });
    // Without the key, the rewrite is invisible: that is the hole seals close.
    expect((await verifyChain(ctx.app.db, ws)).intact).toBe(true);
    const report = await verifyWithKey(ws);
    expect(report.intact).toBe(false);
    expect(report.firstBad).toMatchObject({ seq: 6, reason: 'seal_mismatch' });
  });

  it('deleting the newest entries past a seal: truncated', async () => {
    const ws = await newWorkspace();
    await seed(ws, 5);
    await sealChain(ctx.app.db, key(), ws); // seals seq 5
    await asInsider(async (tx) => {
      await sql`DELETE FROM activity_log WHERE workspace_id = ${ws} AND seq >= 4`.execute(tx);
    });
    expect((await verifyChain(ctx.app.db, ws)).intact).toBe(true);
    const report = await verifyWithKey(ws);
    expect(report).toMatchObject({ intact: false, lastSeq: 3, firstBad: { seq: 5, reason: 'truncated' } });
  });

  it('a seal row with a forged signature: seal_forged', async () => {
    const ws = await newWorkspace();
    await seed(ws, 3);
    const head = await ctx.app.db
      .selectFrom('activity_log')
      .select('hash')
      .where('workspace_id', '=', ws)
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    // The insider signs with a key of their own but claims the configured key's id.
    const mallory = generateSealKey();
    await ctx.app.db
      .insertInto('activity_seals')
      .values({
        workspace_id: ws,
        seq: 3,
        hash: head.hash,
        key_id: key().keyId,
        signature: signSeal(mallory, ws, 3, head.hash),
      })
      .execute();
    const report = await verifyWithKey(ws);
    expect(report).toMatchObject({ intact: false, firstBad: { seq: 3, reason: 'seal_forged' } });
    expect(report.seals).toMatchObject({ count: 1, verified: 0 });
  });

  it('a seal by an unknown key is reported as unverifiable, not as a failure', async () => {
    const ws = await newWorkspace();
    await seed(ws, 2);
    const other = generateSealKey();
    await sealChain(ctx.app.db, other, ws);
    const report = await verifyWithKey(ws);
    expect(report).toMatchObject({
      intact: true,
      seals: { count: 1, verified: 0, unverifiable: 1, lastSeq: null, lastSealedAt: null },
    });
  });

  it('seals are insert-only', async () => {
    const ws = await newWorkspace();
    await seed(ws, 1);
    await sealChain(ctx.app.db, key(), ws);
    await expect(
      sql`UPDATE activity_seals SET hash = 'x' WHERE workspace_id = ${ws}`.execute(ctx.app.db),
    ).rejects.toThrow(/insert-only/);
    await expect(
      sql`DELETE FROM activity_seals WHERE workspace_id = ${ws}`.execute(ctx.app.db),
    ).rejects.toThrow(/insert-only/);
  });
});

describe('the seal job', () => {
  it(`seals a chain once its head is ${SEAL_EVERY_ENTRIES} entries past its last seal, not before`, async () => {
    const ws = await newWorkspace();
    const job = createSealJob(ctx.app.db, key(), ctx.app.log, { sealMinutes: 60 });
    await seed(ws, SEAL_EVERY_ENTRIES - 1);
    await job.runOnce();
    expect(await lastSeal(ctx.app.db, ws)).toBeNull();
    await seed(ws, 1);
    await job.runOnce();
    expect(await lastSeal(ctx.app.db, ws)).toMatchObject({ seq: SEAL_EVERY_ENTRIES, keyId: key().keyId });
    expect((await verifyWithKey(ws)).seals).toMatchObject({ verified: 1, lastSeq: SEAL_EVERY_ENTRIES });
  });

  it('seals a chain with new entries once its last seal is older than ATRIUM_AUDIT_SEAL_MINUTES', async () => {
    const ws = await newWorkspace();
    let clock = Date.now();
    const job = createSealJob(ctx.app.db, key(), ctx.app.log, { sealMinutes: 60, now: () => clock });
    await seed(ws, 2);
    await job.runOnce();
    expect(await lastSeal(ctx.app.db, ws)).toBeNull();
    clock += 61 * 60_000;
    await job.runOnce();
    expect(await lastSeal(ctx.app.db, ws)).toMatchObject({ seq: 2 });
    clock = Date.now(); // the seal was just written: it is recent again
    await seed(ws, 1);
    await job.runOnce();
    expect(await lastSeal(ctx.app.db, ws)).toMatchObject({ seq: 2 });
    clock += 61 * 60_000;
    await job.runOnce();
    expect(await lastSeal(ctx.app.db, ws)).toMatchObject({ seq: 3 });
  });
});

describe('atrium audit seal and verify --head', () => {
  const signing = () => ({ key: key(), ephemeral: false });

  it('seal seals every chain now; verify --head compares with a head kept elsewhere', async () => {
    const ws = await newWorkspace();
    await seed(ws, 3);
    const sealed = capture();
    expect(await auditCommand(['seal', '--json'], ctx.app.db, sealed, signing())).toBe(0);
    expect(JSON.parse(sealed.lines[0] ?? '{}').sealed).toContainEqual(
      expect.objectContaining({ workspaceId: ws, seq: 3 }),
    );

    const ok = capture();
    expect(await auditCommand(['verify', '--workspace', ws], ctx.app.db, ok, signing())).toBe(0);
    expect(ok.lines[0]).toMatch(
      /intact \(3 entries, seq 1–3\); head hash [0-9a-f]{64}; 1 of 1 seal\(s\) verified, last at seq 3$/,
    );
    const head = await verifyWithKey(ws);
    const published = `${head.lastSeq}:${head.lastHash}`;

    expect(
      await auditCommand(
        ['verify', '--workspace', ws, '--head', published],
        ctx.app.db,
        capture(),
        signing(),
      ),
    ).toBe(0);
    const other = capture();
    expect(
      await auditCommand(
        ['verify', '--workspace', ws, '--head', `2:${'a'.repeat(64)}`, '--json'],
        ctx.app.db,
        other,
        signing(),
      ),
    ).toBe(1);
    expect(JSON.parse(other.lines[0] ?? '{}').firstBad).toMatchObject({ seq: 2, reason: 'head_mismatch' });
    const beyond = capture();
    expect(
      await auditCommand(
        ['verify', '--workspace', ws, '--head', `9:${'a'.repeat(64)}`, '--json'],
        ctx.app.db,
        beyond,
        signing(),
      ),
    ).toBe(1);
    expect(JSON.parse(beyond.lines[0] ?? '{}').firstBad).toMatchObject({ seq: 9, reason: 'truncated' });
    expect(
      await auditCommand(
        ['verify', '--workspace', ws, '--head', 'nonsense'],
        ctx.app.db,
        capture(),
        signing(),
      ),
    ).toBe(2);
  });

  it('seal refuses an ephemeral key', async () => {
    const out = capture();
    expect(await auditCommand(['seal'], ctx.app.db, out, { key: key(), ephemeral: true })).toBe(2);
    expect(out.errors[0]).toMatch(/ATRIUM_AUDIT_SIGNING_KEY is not set/);
  });
});

describe('GET /v1/audit/seal-key and the verify route', () => {
  it('publishes the public key to anyone; a stored seal verifies with it', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/audit/seal-key' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { algorithm: string; keyId: string; publicKey: string; pem: string };
    expect(body).toMatchObject({ algorithm: 'Ed25519', keyId: key().keyId });
    expect(Buffer.from(body.publicKey, 'base64')).toHaveLength(32);
    expect(JSON.stringify(body)).not.toMatch(/PRIVATE/);

    const ws = await newWorkspace();
    await seed(ws, 1);
    await sealChain(ctx.app.db, key(), ws);
    const seal = await lastSeal(ctx.app.db, ws);
    expect(seal).not.toBeNull();
    const ok = verify(
      null,
      sealMessage(ws, seal?.seq ?? 0, seal?.hash ?? ''),
      createPublicKey(body.pem),
      Buffer.from(seal?.signature ?? '', 'base64'),
    );
    expect(ok).toBe(true);
  });
});
