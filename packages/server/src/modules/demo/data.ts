import { BUILTIN_PRESETS } from '@atrium/policy';

/**
 * The demo data set: what the demo workspace contains (docs/rules.md §2 for
 * the roles). The seeding mechanism is in seed.ts; the agents' resources
 * (settings, knowledge, transcripts, billing, tickets) are seeded by
 * `seedDemoResources` once the workspace exists.
 */

export const DEMO_ADMIN_EMAIL = 'admin@example.com';
export const DEMO_MEMBER_EMAIL = 'member@example.com';
export const DEMO_WORKSPACE_NAME = 'Acme Support';

/** The demo accounts' password: ATRIUM_DEMO_PASSWORD, or a fixed default printed at start. */
export function demoPassword(env: Record<string, string | undefined> = process.env): string {
  return env.ATRIUM_DEMO_PASSWORD || 'atrium-demo-password';
}

export interface DemoAccount {
  email: string;
  name: string;
  role: 'admin' | 'member';
  agentAccess: 'all' | 'assigned';
  /** The workspace grant: a built-in preset, or none (admins need none). */
  presetId: string | null;
}

/** An admin, and a member who reviews read-only across the workspace. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: DEMO_ADMIN_EMAIL, name: 'Ada Admin', role: 'admin', agentAccess: 'all', presetId: null },
  {
    email: DEMO_MEMBER_EMAIL,
    name: 'Max Member',
    role: 'member',
    agentAccess: 'assigned',
    presetId: BUILTIN_PRESETS.read_only_reviewer.id,
  },
];

export interface DemoAgent {
  name: string;
  plan: 'starter' | 'pro';
  status: 'approved';
}

/** Two approved agents; the admin creates them and is `agent_admin` of both. */
export const DEMO_AGENTS: readonly DemoAgent[] = [
  { name: 'Support Concierge', plan: 'starter', status: 'approved' },
  { name: 'Voice Receptionist', plan: 'pro', status: 'approved' },
];

/** Agent roles beyond the admin's: the member edits content on the concierge. */
export const DEMO_AGENT_ROLES: readonly {
  agent: string;
  email: string;
  role: 'agent_user';
  presetId: string;
}[] = [
  {
    agent: 'Support Concierge',
    email: DEMO_MEMBER_EMAIL,
    role: 'agent_user',
    presetId: BUILTIN_PRESETS.content_editor.id,
  },
];
