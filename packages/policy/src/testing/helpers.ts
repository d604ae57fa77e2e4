/** Small state-editing helpers for the property tests (test-only). */
import type { AgentMemberState, MemberState, WorkspaceState } from '../state';

/** A cheap assertion for inner loops (vitest's expect is too slow for ~10⁷ checks). */
export function check(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

export function withMember(s: WorkspaceState, userId: string, m: MemberState | null): WorkspaceState {
  const members = new Map(s.members);
  if (m) members.set(userId, m);
  else members.delete(userId);
  return { ...s, members, revision: s.revision + 1 };
}

export function withAgentMember(
  s: WorkspaceState,
  agentId: string,
  userId: string,
  am: AgentMemberState | null,
): WorkspaceState {
  const agent = s.agents.get(agentId);
  if (!agent) return s;
  const members = new Map(agent.members);
  if (am) members.set(userId, am);
  else members.delete(userId);
  const agents = new Map(s.agents);
  agents.set(agentId, { agentId, members });
  return { ...s, agents, revision: s.revision + 1 };
}
