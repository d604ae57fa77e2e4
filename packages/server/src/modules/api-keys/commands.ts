import { isBuiltinPresetId, parseMatrix, type WorkspaceState } from '@atrium/policy';
import { generateApiKey } from '../../auth/api-keys';
import { defineCommand } from '../../command/command';
import { requireConfirmation } from '../../command/confirm';
import type { MatrixJson } from '../../db/schema';
import { type FieldIssue, notFound, problem, validationFailed } from '../../errors';
import { type ApiKeyView, presentApiKey } from './queries';
import { type ApiKeyRow, findApiKey, insertApiKey, markRevoked, markServiceKey } from './repo';

/**
 * The API-key commands (docs/rules.md §4 "API keys"): create, revoke, transfer. A key
 * is a principal with access, so both change the access state: the command
 * wrapper bumps the revision and settles this instance's cache (with its
 * API-key resolutions) before the answer leaves.
 */

export interface CreateApiKeyInput {
  name: string;
  matrix?: Record<string, string> | null;
  presetId?: string | null;
  agentId?: string | null;
  expiresAt?: string | null;
}

/**
 * Validates the key's grant: exactly one of `matrix` (through the engine's
 * `parseMatrix`, naming each bad key and listing the valid ones) or
 * `presetId` (built-in or one of this workspace's presets).
 */
function parseKeyGrant(state: WorkspaceState, input: CreateApiKeyInput) {
  const hasMatrix = input.matrix !== undefined && input.matrix !== null;
  const hasPreset = input.presetId !== undefined && input.presetId !== null;
  if (hasMatrix === hasPreset) {
    throw validationFailed(
      [{ path: '/body/matrix', message: 'send exactly one of matrix or presetId' }],
      'An API key needs its own grant: a matrix or a preset',
    );
  }
  if (hasPreset) {
    const presetId = input.presetId as string;
    if (!isBuiltinPresetId(presetId) && !state.presets.has(presetId)) {
      throw validationFailed([{ path: '/body/presetId', message: `no preset "${presetId}"` }]);
    }
    return { matrix: null, presetId };
  }
  const parsed = parseMatrix(input.matrix);
  if (!parsed.ok) {
    const issues: FieldIssue[] = parsed.issues.map((i) => ({
      path: `/body/matrix${i.key ? `/${i.key}` : ''}`,
      message: i.message,
      valid: i.valid,
    }));
    throw validationFailed(issues, issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
  return { matrix: parsed.matrix as MatrixJson, presetId: null };
}

function parseExpiry(value: string | null | undefined): Date | null {
  if (!value) return null;
  const expiresAt = new Date(value);
  if (Number.isNaN(expiresAt.getTime())) {
    throw validationFailed([{ path: '/body/expiresAt', message: 'must be an ISO 8601 date-time' }]);
  }
  if (expiresAt.getTime() <= Date.now()) {
    throw validationFailed([{ path: '/body/expiresAt', message: 'must be in the future' }]);
  }
  return expiresAt;
}

/**
 * Creates a key: the secret is returned once (in this command's value only)
 * and only its SHA-256 is kept, with a visible prefix.
 */
export const createApiKey = defineCommand({
  name: 'api_keys.create',
  actions: ['api_key.created'],
  async run(ctx, input: CreateApiKeyInput): Promise<{ apiKey: ApiKeyView; secret: string }> {
    const state = ctx.state;
    if (!state) throw new Error('api_keys.create runs in a workspace scope');
    const name = input.name.trim();
    if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be empty' }]);
    const grant = parseKeyGrant(state, input);
    const agentId = input.agentId ?? null;
    if (agentId !== null && !state.agents.has(agentId)) {
      throw validationFailed([{ path: '/body/agentId', message: 'no such agent in this workspace' }]);
    }
    const expiresAt = parseExpiry(input.expiresAt);
    const key = generateApiKey();
    const row = await insertApiKey(ctx.tx, state.workspaceId, {
      name,
      prefix: key.prefix,
      secretHash: key.hash,
      grant,
      agentId,
      expiresAt,
      createdBy: ctx.userId,
    });
    const apiKey = presentApiKey((await findApiKey(ctx.tx, state.workspaceId, row.id)) as ApiKeyRow);
    await ctx.record({
      action: 'api_key.created',
      target: { type: 'api_key', id: row.id },
      agentId,
      after: {
        name,
        prefix: key.prefix,
        matrix: grant.matrix,
        presetId: grant.presetId,
        agentId,
        expiresAt: apiKey.expiresAt,
      },
    });
    return { apiKey, secret: key.secret };
  },
});

/**
 * Revokes a key: its next request gets 401. Revoking a revoked key changes
 * nothing and answers the same (idempotent DELETE): no write, no revision bump.
 */
export const revokeApiKey = defineCommand({
  name: 'api_keys.revoke',
  actions: ['api_key.revoked'],
  target: (input: { id: string }) => ({ type: 'api_key', id: input.id }),
  async run(ctx, { id }: { id: string }): Promise<{ apiKey: ApiKeyView }> {
    const workspaceId = ctx.workspaceId;
    if (!workspaceId) throw new Error('api_keys.revoke runs in a workspace scope');
    const current = await findApiKey(ctx.tx, workspaceId, id, true);
    if (!current) throw notFound('API key');
    if (current.revoked_at) return { apiKey: presentApiKey(current) };
    await markRevoked(ctx.tx, workspaceId, id);
    const row = (await findApiKey(ctx.tx, workspaceId, id)) as ApiKeyRow;
    await ctx.record({
      action: 'api_key.revoked',
      target: { type: 'api_key', id },
      agentId: row.agent_id,
      before: { name: row.name, prefix: row.prefix, status: 'active' },
      after: { status: 'revoked' },
    });
    return { apiKey: presentApiKey(row) };
  },
});

/**
 * Transfers a key to the workspace (issue 14, "Keys outlive their creator";
 * docs/rules.md §4 "API keys"): it becomes a service key, no longer bound to
 * its creator, so it keeps working after they leave or are demoted. Explicit
 * (the admin types the key's name) and audited (`api_key.transferred`). A
 * suspended key (its creator already gone) may be transferred too: that
 * revives it, deliberately. A revoked key cannot be; transferring a service
 * key again changes nothing (no write, no revision bump).
 */
export const transferApiKey = defineCommand({
  name: 'api_keys.transfer',
  actions: ['api_key.transferred'],
  target: (input: { id: string }) => ({ type: 'api_key', id: input.id }),
  async run(ctx, { id, confirm }: { id: string; confirm: string }): Promise<{ apiKey: ApiKeyView }> {
    const workspaceId = ctx.workspaceId;
    if (!workspaceId) throw new Error('api_keys.transfer runs in a workspace scope');
    const current = await findApiKey(ctx.tx, workspaceId, id, true);
    if (!current) throw notFound('API key');
    requireConfirmation(confirm, current.name, "key's name");
    if (current.revoked_at) throw problem('conflict', 'A revoked key cannot be transferred');
    if (current.service_key) return { apiKey: presentApiKey(current) };
    await markServiceKey(ctx.tx, workspaceId, id);
    const row = (await findApiKey(ctx.tx, workspaceId, id)) as ApiKeyRow;
    await ctx.record({
      action: 'api_key.transferred',
      target: { type: 'api_key', id },
      agentId: row.agent_id,
      before: {
        name: current.name,
        prefix: current.prefix,
        owner: { type: 'user', userId: current.created_by, name: current.creator_name },
        status: presentApiKey(current).status,
      },
      after: { owner: { type: 'workspace' } },
    });
    return { apiKey: presentApiKey(row) };
  },
});
