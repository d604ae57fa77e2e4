import { BUILTIN_PRESETS } from '@atrium/policy';
import type { Kysely } from 'kysely';
import { recordActivity } from '../../audit/record';
import { hashPassword } from '../../auth/password';
import { SYSTEM_ACTOR } from '../../auth/principal';
import type { DB } from '../../db/schema';
import { seedDemoResources } from '../agent-resources/demo';

export const DEMO_ADMIN_EMAIL = 'admin@example.com';
export const DEMO_MEMBER_EMAIL = 'member@example.com';
export const DEMO_WORKSPACE_NAME = 'Acme Support';

/** The demo accounts' password: ATRIUM_DEMO_PASSWORD, or a fixed default printed at start. */
export function demoPassword(env: Record<string, string | undefined> = process.env): string {
  return env.ATRIUM_DEMO_PASSWORD || 'atrium-demo-password';
}

export interface DemoSeedResult {
  created: boolean;
  workspaceId: string;
  adminEmail: string;
  memberEmail: string;
}

/**
 * Seeds the demo workspace once: an admin, a member (read-only reviewer in
 * the workspace, `content_editor` on one agent), two agents, and realistic
 * data in every area (settings, knowledge, transcripts, billing, tickets). Idempotent: a second
 * run finds the demo admin's workspace and changes nothing.
 */
export async function seedDemo(db: Kysely<DB>, password: string): Promise<DemoSeedResult> {
  const existing = await db
    .selectFrom('workspaces')
    .innerJoin('users', 'users.id', 'workspaces.created_by')
    .select('workspaces.id')
    .where('users.email', '=', DEMO_ADMIN_EMAIL)
    .where('workspaces.name', '=', DEMO_WORKSPACE_NAME)
    .executeTakeFirst();
  const result = { adminEmail: DEMO_ADMIN_EMAIL, memberEmail: DEMO_MEMBER_EMAIL };
  if (existing) {
    // Resources are seeded idempotently too, so a data folder from an older release gains them.
    await seedDemoResources(db, existing.id);
    return { ...result, created: false, workspaceId: existing.id };
  }

  const passwordHash = await hashPassword(password);
  const workspaceId = await db.transaction().execute(async (tx) => {
    const now = new Date();
    const [admin, member] = await Promise.all(
      [
        { email: DEMO_ADMIN_EMAIL, name: 'Ada Admin' },
        { email: DEMO_MEMBER_EMAIL, name: 'Max Member' },
      ].map((u) =>
        tx
          .insertInto('users')
          .values({
            ...u,
            password_hash: passwordHash,
            email_verified_at: now,
            avatar_url: null,
            last_active_at: null,
          })
          .onConflict((oc) => oc.column('email').doUpdateSet({ updated_at: now }))
          .returning(['id', 'name', 'email'])
          .executeTakeFirstOrThrow(),
      ),
    );
    if (!admin || !member) throw new Error('demo users not created');
    const ws = await tx
      .insertInto('workspaces')
      .values({ name: DEMO_WORKSPACE_NAME, created_by: admin.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('workspace_members')
      .values([
        {
          workspace_id: ws.id,
          user_id: admin.id,
          role: 'admin',
          agent_access: 'all',
          matrix: null,
          preset_id: null,
        },
        {
          workspace_id: ws.id,
          user_id: member.id,
          role: 'member',
          agent_access: 'assigned',
          matrix: null,
          preset_id: BUILTIN_PRESETS.read_only_reviewer.id,
        },
      ])
      .execute();
    const agents = await tx
      .insertInto('agents')
      .values([
        {
          workspace_id: ws.id,
          name: 'Support Concierge',
          plan: 'starter',
          status: 'approved',
          created_by: admin.id,
        },
        {
          workspace_id: ws.id,
          name: 'Voice Receptionist',
          plan: 'pro',
          status: 'approved',
          created_by: admin.id,
        },
      ])
      .returning(['id', 'name'])
      .execute();
    const concierge = agents.find((a) => a.name === 'Support Concierge')!;
    await tx
      .insertInto('agent_members')
      .values(
        agents.map((a) => ({
          agent_id: a.id,
          workspace_id: ws.id,
          user_id: admin.id,
          role: 'agent_admin' as const,
          matrix: null,
          preset_id: null,
        })),
      )
      .execute();
    await tx
      .insertInto('agent_members')
      .values({
        agent_id: concierge.id,
        workspace_id: ws.id,
        user_id: member.id,
        role: 'agent_user',
        matrix: null,
        preset_id: BUILTIN_PRESETS.content_editor.id,
      })
      .execute();
    await tx
      .insertInto('workspace_policies')
      .values({ workspace_id: ws.id, named: JSON.stringify([]) })
      .execute();
    await recordActivity(tx, {
      workspaceId: ws.id,
      actor: SYSTEM_ACTOR,
      action: 'workspace.seeded',
      target: { type: 'workspace', id: ws.id },
      after: {
        name: DEMO_WORKSPACE_NAME,
        members: [admin.email, member.email],
        agents: agents.map((a) => a.name),
      },
    });
    return ws.id;
  });
  await seedDemoResources(db, workspaceId);
  return { ...result, created: true, workspaceId };
}
