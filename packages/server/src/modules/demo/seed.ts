import type { Kysely } from 'kysely';
import { hashPassword } from '../../auth/password';
import { type CommandRuntime, runCommand } from '../../command/command';
import { systemScope } from '../../command/http';
import type { DB } from '../../db/schema';
import { seedDemoResources } from '../agent-resources/demo';
import { seedDemoWorkspace } from './commands';
import { DEMO_ADMIN_EMAIL, DEMO_MEMBER_EMAIL, DEMO_WORKSPACE_NAME } from './data';
import { findDemoWorkspace } from './repo';

export {
  DEMO_ADMIN_EMAIL,
  DEMO_MEMBER_EMAIL,
  DEMO_WORKSPACE_NAME,
  demoPassword,
} from './data';

export interface DemoSeedResult {
  created: boolean;
  workspaceId: string;
  adminEmail: string;
  memberEmail: string;
}

/** The app's command runtime, or one built from a bare database handle (the cache is not asked then). */
function runtimeOf(target: CommandRuntime | Kysely<DB>): CommandRuntime {
  return 'accessState' in target ? target : { db: target, accessState: { get: async () => null } };
}

/**
 * Seeds the demo workspace of data.ts once (the `seedDemoWorkspace`
 * command), then the agents' resources: settings, knowledge, transcripts,
 * billing, tickets. Idempotent: a second run finds the demo admin's
 * workspace and only tops up the resources (so a data folder from an older
 * release gains them).
 *
 * @example
 * ```ts
 * const { workspaceId, created } = await seedDemo(app.commands, demoPassword());
 * ```
 */
export async function seedDemo(
  target: CommandRuntime | Kysely<DB>,
  password: string,
): Promise<DemoSeedResult> {
  const runtime = runtimeOf(target);
  const result = { adminEmail: DEMO_ADMIN_EMAIL, memberEmail: DEMO_MEMBER_EMAIL };
  const existing = await findDemoWorkspace(runtime.db, DEMO_ADMIN_EMAIL, DEMO_WORKSPACE_NAME);
  if (existing) {
    await seedDemoResources(runtime.db, existing);
    return { ...result, created: false, workspaceId: existing };
  }
  const passwordHash = await hashPassword(password);
  const { value } = await runCommand(runtime, systemScope(null), seedDemoWorkspace, { passwordHash });
  await seedDemoResources(runtime.db, value.workspaceId);
  return { ...result, created: true, workspaceId: value.workspaceId };
}
