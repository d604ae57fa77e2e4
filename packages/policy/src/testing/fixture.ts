/**
 * A small hand-written workspace used by the unit tests (test-only).
 *
 * - `ada`: workspace admin.
 * - `alice`: member, `assigned`, workspace preset `read_only_reviewer`; `agent_user` on `x`
 *   with Knowledge and Tools edit.
 * - `bob`: member, `agentAccess: 'all'`, matrix Flows read + Chat edit; no agent role.
 * - `carol`: member, `assigned`, `agent_admin` of `x`.
 * - `dave`: member, `assigned`, no agent, Chat edit.
 * - `erin`: linked to custom preset `custom-1` (General edit).
 * - `fay`: linked to a preset that does not exist (and a matrix, which the preset replaces).
 * - keys: `k-all` (unscoped), `k-x` (scoped to `x`, preset `builder`), `k-ghost` (scoped to an unknown agent).
 * - caps: `embedding_disabled` (Chat ≤ read everywhere), Tools ≤ read on `x`, Chat ≤ none on `y`.
 */
import { capsFromPolicies } from '../policies';
import { buildWorkspaceState, type WorkspaceState } from '../state';

export function fixture(): WorkspaceState {
  return buildWorkspaceState({
    workspaceId: 'ws1',
    revision: 7,
    members: [
      { userId: 'ada', role: 'admin' },
      { userId: 'alice', role: 'member', grant: { presetId: 'read_only_reviewer' } },
      {
        userId: 'bob',
        role: 'member',
        agentAccess: 'all',
        grant: { matrix: { 'build.flows': 'read', 'channels.chat': 'edit', 'build.sms': 'none' } },
      },
      { userId: 'carol', role: 'member' },
      { userId: 'dave', role: 'member', grant: { matrix: { 'channels.chat': 'edit' } } },
      { userId: 'erin', role: 'member', grant: { presetId: 'custom-1' } },
      {
        userId: 'fay',
        role: 'member',
        agentAccess: 'all',
        grant: { presetId: 'gone', matrix: { 'build.sms': 'edit' } },
      },
    ],
    agents: [
      {
        agentId: 'x',
        members: [
          {
            userId: 'alice',
            role: 'agent_user',
            grant: { matrix: { 'build.knowledge': 'edit', 'build.tools': 'edit' } },
          },
          { userId: 'carol', role: 'agent_admin' },
        ],
      },
      { agentId: 'y' },
    ],
    apiKeys: [
      { apiKeyId: 'k-all', grant: { matrix: { 'build.tools': 'edit', 'channels.chat': 'edit' } } },
      { apiKeyId: 'k-x', agentId: 'x', grant: { presetId: 'builder' } },
      { apiKeyId: 'k-ghost', agentId: 'z', grant: { presetId: 'builder' } },
    ],
    presets: { 'custom-1': { 'configure.general': 'edit' } },
    caps: capsFromPolicies(
      ['embedding_disabled'],
      [
        { permission: 'build.tools', maxLevel: 'read', agentId: 'x', source: 'cap:tools-x' },
        { permission: 'channels.chat', maxLevel: 'none', agentId: 'y', source: 'cap:chat-y' },
      ],
    ),
  });
}
