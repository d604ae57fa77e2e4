import { hasCapability, type Subject, type WorkspaceState } from '@atrium/policy';
import type { Kysely, Transaction } from 'kysely';
import type { AgentPlan, AgentRoleColumn, AgentStatus, DB, MatrixJson } from '../../db/schema';
import { notFound } from '../../errors';
import { isoOf } from '../../http/present';
import { requireUuid } from '../../ids';
import { canBlock, presentGrant } from '../access/grants';
import { type AgentRow, findAgentMembers, findAgents } from './repo';

/** The reads of the agents module and how the API shows their answers. */

type Db = Kysely<DB> | Transaction<DB>;

/** An agent as the API shows it to one caller. */
export interface AgentView {
  id: string;
  name: string;
  /** Plan and status: only for those who may see them (`agent.view_plan`: its agent admins, workspace admins). */
  plan: AgentPlan | null;
  status: AgentStatus | null;
  myRole: AgentRoleColumn | null;
  createdBy: string | null;
  createdAt: string;
  memberCount: number;
  can: Record<string, boolean>;
}

function present(state: WorkspaceState, subject: Subject, row: AgentRow): AgentView {
  const can = canBlock(state, subject, row.id);
  const seesPlan = can['agent.view_plan'] === true;
  const myRole =
    'userId' in subject ? (state.agents.get(row.id)?.members.get(subject.userId)?.role ?? null) : null;
  return {
    id: row.id,
    name: row.name,
    plan: seesPlan ? row.plan : null,
    status: seesPlan ? row.status : null,
    myRole,
    createdBy: row.created_by,
    createdAt: isoOf(row.created_at),
    memberCount: Number(row.member_count ?? 0),
    can,
  };
}

/** The agents the caller has access to (workspace admins: all; docs/rules.md §4 "Membership"). */
export async function listAgents(db: Db, state: WorkspaceState, subject: Subject): Promise<AgentView[]> {
  const rows = await findAgents(db, state.workspaceId);
  return rows
    .filter((r) => hasCapability(state, subject, 'agent.read', r.id))
    .map((r) => present(state, subject, r));
}

/** One agent (the guard already answered 404 when the caller has no access to it). */
export async function getAgent(
  db: Db,
  state: WorkspaceState,
  subject: Subject,
  agentId: string,
): Promise<AgentView> {
  const [row] = await findAgents(db, state.workspaceId, agentId);
  if (!row) throw notFound('agent');
  return present(state, subject, row);
}

/** One agent membership as the API shows it. */
export interface AgentMemberView {
  userId: string;
  email: string;
  name: string;
  role: AgentRoleColumn;
  workspaceRole: 'admin' | 'member';
  matrix: MatrixJson | null;
  presetId: string | null;
  addedAt: string;
}

async function agentMembers(db: Db, workspaceId: string, agentId: string, userId?: string) {
  const rows = await findAgentMembers(db, workspaceId, agentId, userId);
  return rows.map(
    (r): AgentMemberView => ({
      userId: r.user_id,
      email: r.email,
      name: r.name,
      role: r.role,
      workspaceRole: r.workspace_role,
      ...presentGrant(r),
      addedAt: isoOf(r.created_at),
    }),
  );
}

/** The users of an agent. */
export function listAgentMembers(db: Db, workspaceId: string, agentId: string) {
  return agentMembers(db, workspaceId, agentId);
}

/** One user of an agent, or 404. */
export async function getAgentMember(db: Db, workspaceId: string, agentId: string, userId: string) {
  requireUuid(userId, 'agent member');
  const [row] = await agentMembers(db, workspaceId, agentId, userId);
  if (!row) throw notFound('agent member');
  return row;
}
