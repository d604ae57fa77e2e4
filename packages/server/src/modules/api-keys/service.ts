import { isBuiltinPresetId, parseMatrix, type WorkspaceState } from '@atrium/policy';
import { type Kysely, sql } from 'kysely';
import { type RequestOrigin, recordActivity } from '../../audit/record';
import { generateApiKey } from '../../auth/api-keys';
import type { Actor } from '../../auth/principal';
import { bumpRevision } from '../../command/revision';
import type { ApiKey, DB, MatrixJson } from '../../db/schema';
import { type FieldIssue, notFound, validationFailed } from '../../errors';

type Db = Kysely<DB>;

/** An API key as the API shows it: never the secret, never its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  matrix: MatrixJson | null;
  presetId: string | null;
  agentId: string | null;
  status: 'active' | 'revoked' | 'expired';
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  createdBy: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The API view of a key row: status derived from revocation and expiry; no secret, no hash. */
export function presentApiKey(k: Omit<ApiKey, 'secret_hash' | 'workspace_id'>): ApiKeyView {
  const expired = k.expires_at !== null && new Date(k.expires_at).getTime() <= Date.now();
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    matrix: k.matrix,
    presetId: k.preset_id,
    agentId: k.agent_id,
    status: k.revoked_at ? 'revoked' : expired ? 'expired' : 'active',
    expiresAt: iso(k.expires_at),
    lastUsedAt: iso(k.last_used_at),
    revokedAt: iso(k.revoked_at),
    createdAt: iso(k.created_at as unknown as Date) as string,
    createdBy: k.created_by,
  };
}

const VIEW_COLUMNS = [
  'id',
  'name',
  'prefix',
  'matrix',
  'preset_id',
  'agent_id',
  'expires_at',
  'last_used_at',
  'revoked_at',
  'created_at',
  'created_by',
] as const;

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

/**
 * Creates a key (SPEC §4 "API keys"): the secret is returned once and only
 * its SHA-256 is kept, with a visible prefix. A key is a new principal with
 * access, so the workspace revision is bumped in the same transaction.
 */
export async function createApiKey(
  db: Db,
  state: WorkspaceState,
  workspaceId: string,
  actor: Actor,
  createdBy: string | null,
  input: CreateApiKeyInput,
  origin: RequestOrigin,
): Promise<{ apiKey: ApiKeyView; secret: string; revision: number }> {
  const name = input.name.trim();
  if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be empty' }]);
  const grant = parseKeyGrant(state, input);
  const agentId = input.agentId ?? null;
  if (agentId !== null && !state.agents.has(agentId)) {
    throw validationFailed([{ path: '/body/agentId', message: 'no such agent in this workspace' }]);
  }
  let expiresAt: Date | null = null;
  if (input.expiresAt) {
    expiresAt = new Date(input.expiresAt);
    if (Number.isNaN(expiresAt.getTime())) {
      throw validationFailed([{ path: '/body/expiresAt', message: 'must be an ISO 8601 date-time' }]);
    }
    if (expiresAt.getTime() <= Date.now()) {
      throw validationFailed([{ path: '/body/expiresAt', message: 'must be in the future' }]);
    }
  }
  const key = generateApiKey();
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('api_keys')
      .values({
        workspace_id: workspaceId,
        name,
        prefix: key.prefix,
        secret_hash: key.hash,
        matrix: grant.matrix === null ? null : JSON.stringify(grant.matrix),
        preset_id: grant.presetId,
        agent_id: agentId,
        expires_at: expiresAt,
        created_by: createdBy,
      })
      .returning(VIEW_COLUMNS)
      .executeTakeFirstOrThrow();
    const apiKey = presentApiKey(row);
    await recordActivity(tx, {
      workspaceId,
      actor,
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
      origin,
    });
    const revision = await bumpRevision(tx, workspaceId);
    return { apiKey, secret: key.secret, revision };
  });
}

/** Every key of the workspace (revoked and expired ones included), newest first. */
export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyView[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(VIEW_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(presentApiKey);
}

/** One key of the workspace; another workspace's key id is 404. */
export async function getApiKey(db: Db, workspaceId: string, id: string): Promise<ApiKeyView> {
  const row = await db
    .selectFrom('api_keys')
    .select(VIEW_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('API key');
  return presentApiKey(row);
}

/**
 * Revokes a key: its next request gets 401. Revoking a revoked key changes
 * nothing and answers the same (idempotent DELETE), with the current revision.
 */
export async function revokeApiKey(
  db: Db,
  workspaceId: string,
  id: string,
  actor: Actor,
  origin: RequestOrigin,
): Promise<{ apiKey: ApiKeyView; revision: number }> {
  return db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('api_keys')
      .select(VIEW_COLUMNS)
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound('API key');
    if (current.revoked_at) {
      const ws = await tx
        .selectFrom('workspaces')
        .select('revision')
        .where('id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      return { apiKey: presentApiKey(current), revision: Number(ws.revision) };
    }
    const row = await tx
      .updateTable('api_keys')
      .set({ revoked_at: sql`now()` })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returning(VIEW_COLUMNS)
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor,
      action: 'api_key.revoked',
      target: { type: 'api_key', id },
      agentId: row.agent_id,
      before: { name: row.name, prefix: row.prefix, status: 'active' },
      after: { status: 'revoked' },
      origin,
    });
    const revision = await bumpRevision(tx, workspaceId);
    return { apiKey: presentApiKey(row), revision };
  });
}
