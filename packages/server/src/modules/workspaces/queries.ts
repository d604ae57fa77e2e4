import type { Subject, WorkspaceState } from '@atrium/policy';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { notFound } from '../../errors';
import { isoOf } from '../../http/present';
import { canBlock } from '../access/grants';
import { findMyWorkspaces, findWorkspace, type WorkspaceRow } from './repo';

/** A workspace as the API shows it to one member. */
export interface WorkspaceView {
  id: string;
  name: string;
  role: 'admin' | 'member';
  revision: number;
  createdAt: string;
  can: Record<string, boolean>;
}

export function presentWorkspace(
  row: WorkspaceRow,
  role: 'admin' | 'member',
  can: Record<string, boolean>,
): WorkspaceView {
  return {
    id: row.id,
    name: row.name,
    role,
    revision: Number(row.revision),
    createdAt: isoOf(row.created_at),
    can,
  };
}

/** One workspace as its member sees it. */
export async function getWorkspace(
  db: Kysely<DB>,
  state: WorkspaceState,
  subject: Subject,
): Promise<WorkspaceView & { memberCount: number; agentCount: number }> {
  const row = await findWorkspace(db, state.workspaceId);
  if (!row) throw notFound('workspace');
  const role =
    'userId' in subject ? (state.members.get(subject.userId)?.role ?? 'member') : ('member' as const);
  return {
    ...presentWorkspace(row, role, canBlock(state, subject)),
    memberCount: state.members.size,
    agentCount: state.agents.size,
  };
}

/** The workspaces a user belongs to, each with their role and `can` block (newest first). */
export async function listMyWorkspaces(
  db: Kysely<DB>,
  accessState: { get(workspaceId: string): Promise<WorkspaceState | null> },
  userId: string,
): Promise<WorkspaceView[]> {
  const rows = await findMyWorkspaces(db, userId);
  const workspaces: WorkspaceView[] = [];
  for (const row of rows) {
    const state = await accessState.get(row.id);
    if (!state) continue;
    workspaces.push(presentWorkspace(row, row.role, canBlock(state, { userId })));
  }
  return workspaces;
}
