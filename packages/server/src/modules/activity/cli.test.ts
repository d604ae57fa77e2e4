import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/harness';
import { recordActivity } from '../../audit/record';
import { openDatabase } from '../../db';
import { migrate } from '../../db/migrate';
import { type AuditOutput, auditCommand } from './cli';

const ctx = useTestApp({ consoleDir: '/nonexistent-console' });
const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/atrium.mjs');

function capture(): AuditOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function workspaceWithEntries(n: number): Promise<string> {
  const ws = await ctx.app.db
    .insertInto('workspaces')
    .values({ name: 'Acme' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < n; i++) {
    await ctx.app.db.transaction().execute((tx) =>
      recordActivity(tx, {
        workspaceId: ws.id,
        actor: { type: 'system', id: null, name: 'Atrium' },
        action: 'thing.done',
      }),
    );
  }
  return ws.id;
}

/** A superuser's edit behind the app's back (triggers off): breaks the chain at `seq`. */
async function tamper(workspaceId: string, seq: number): Promise<void> {
  await ctx.app.db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await sql`UPDATE activity_log SET action = 'thing.undone' WHERE workspace_id = ${workspaceId} AND seq = ${seq}`.execute(
      tx,
    );
  });
}

async function recordGlobal(): Promise<void> {
  await ctx.app.db.transaction().execute((tx) =>
    recordActivity(tx, {
      workspaceId: null,
      actor: { type: 'system', id: null, name: 'Atrium' },
      action: 'auth.probe',
    }),
  );
}

describe('atrium audit verify', () => {
  it('exits 0 and says intact, then exits 1 naming the first bad entry after a superuser edit', async () => {
    const ws = await workspaceWithEntries(3);
    const ok = capture();
    expect(await auditCommand(['verify', '--workspace', ws], ctx.app.db, ok)).toBe(0);
    expect(ok.lines[0]).toMatch(new RegExp(`workspace ${ws} is intact \\(3 entries, seq 1–3\\)`));

    await tamper(ws, 2);
    const bad = capture();
    expect(await auditCommand(['verify', '--workspace', ws, '--json'], ctx.app.db, bad)).toBe(1);
    expect(JSON.parse(bad.lines[0] ?? '{}')).toMatchObject({
      intact: false,
      firstBad: { seq: 2, reason: 'hash_mismatch' },
    });
  });

  it('verifies the global chain of account events', async () => {
    await recordGlobal();
    const io = capture();
    expect(await auditCommand(['verify', '--global'], ctx.app.db, io)).toBe(0);
    expect(io.lines[0]).toMatch(/the global chain is intact/);
  });

  it('--all verifies every chain and exits 1 when one is broken', async () => {
    // Its own chains (other tests of this file may add more, intact or not).
    const intact = await workspaceWithEntries(2);
    const broken = await workspaceWithEntries(2);
    await recordGlobal();
    const lineOf = (io: ReturnType<typeof capture>, text: string) => io.lines.find((l) => l.includes(text));
    const before = capture();
    await auditCommand(['verify', '--all'], ctx.app.db, before);
    expect(lineOf(before, `workspace ${broken} is intact`)).toBeDefined();
    await tamper(broken, 1);
    const after = capture();
    expect(await auditCommand(['verify', '--all'], ctx.app.db, after)).toBe(1);
    expect(lineOf(after, `workspace ${intact} is intact`)).toBeDefined();
    expect(lineOf(after, `workspace ${broken} is BROKEN at seq 1`)).toBeDefined();
    expect(lineOf(after, 'the global chain is intact')).toBeDefined();
    // One line per chain, then the summary, which counts the same chains and broken ones.
    const summary = /^atrium: (\d+) chain\(s\) verified, (\d+) broken$/.exec(after.lines.at(-1) ?? '');
    expect(summary, after.lines.at(-1)).not.toBeNull();
    expect(Number(summary?.[1])).toBe(after.lines.length - 1);
    expect(Number(summary?.[2])).toBe(after.lines.filter((l) => l.includes(' is BROKEN ')).length);
  });

  it('exits 2 on bad usage or an unknown workspace', async () => {
    for (const args of [['verify'], ['verify', '--workspace', 'nope'], ['frobnicate']]) {
      const io = capture();
      expect(await auditCommand(args, ctx.app.db, io), args.join(' ')).toBe(2);
      expect(io.errors.join('\n')).toMatch(/Usage: atrium audit|--workspace/);
    }
    const io = capture();
    expect(
      await auditCommand(['verify', '--workspace', '9e1f6a52-0000-4000-8000-000000000000'], ctx.app.db, io),
    ).toBe(2);
    expect(io.errors[0]).toMatch(/no workspace/);
  });

  it('runs as the real `atrium` command', async () => {
    // On PostgreSQL the command connects to this file's database; on PGlite it
    // opens a data folder prepared here (an in-memory database cannot be shared).
    let env: Record<string, string>;
    let ws: string;
    let cleanup = async () => {};
    if (ctx.testDb.url) {
      ws = await workspaceWithEntries(2);
      env = { DATABASE_URL: ctx.testDb.url };
    } else {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'atrium-audit-'));
      cleanup = () => rm(dir, { recursive: true, force: true });
      const database = await openDatabase({ kind: 'pglite', dataDir: dir });
      await migrate(database.db);
      const row = await database.db
        .insertInto('workspaces')
        .values({ name: 'Acme' })
        .returning('id')
        .executeTakeFirstOrThrow();
      ws = row.id;
      await database.db.transaction().execute((tx) =>
        recordActivity(tx, {
          workspaceId: ws,
          actor: { type: 'system', id: null, name: 'Atrium' },
          action: 'thing.done',
        }),
      );
      await database.close();
      env = { ATRIUM_DATA_DIR: dir };
    }
    try {
      const { stdout } = await run(process.execPath, [BIN, 'audit', 'verify', '--workspace', ws], {
        env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
      expect(stdout).toMatch(/is intact/);
    } finally {
      await cleanup();
    }
  }, 90_000);
});
