import {
  AREAS,
  areaLevel,
  CATALOG_LABELS,
  type Explanation,
  effective,
  explain,
  hasAgentAccess,
  hasCapability,
  isSensitive,
  LEVELS,
  type Level,
  levelRank,
  type Matrix,
  type Permission,
  permissionIndex,
  permissionsOf,
  type Subject,
  type WorkspaceState,
} from '@atrium/policy';
import type { Kysely } from 'kysely';
import type { Principal } from '../../auth/principal';
import type { DB } from '../../db/schema';
import { type FieldIssue, notFound, problem, validationFailed } from '../../errors';
import type { AccessStateSource, CachedAccess } from '../access/service';
import { findApiKeyNames, findUserNames } from './repo';
import type {
  CheckBatchRequest,
  CheckRequest,
  CheckResult,
  WhoHasAccessQuery,
  WhoHasAccessResponse,
} from './schema';

/**
 * Whether `principal` may ask about `subject` in this workspace: a live API
 * key of the workspace or a workspace admin about anyone (the `access.check`
 * capability), a member about themselves. Everyone else learns nothing,
 * not even that the workspace exists (docs/rules.md §3 step 1).
 */
export function mayInspect(
  state: WorkspaceState,
  principal: Principal,
  subject: CheckRequest['subject'],
): boolean {
  if (principal.type === 'api_key') {
    return principal.workspaceId === state.workspaceId && hasCapability(state, principal, 'access.check');
  }
  const self = { userId: principal.userId };
  if (hasCapability(state, self, 'access.check')) return true;
  return (subject as { userId?: string }).userId === principal.userId && state.members.has(principal.userId);
}

/** A batch item the caller may not see: indistinguishable from "no access" (documented in docs/api.md). */
const HIDDEN: CheckResult = Object.freeze({ allowed: false, level: 'none', revision: 0 }) as CheckResult;

const NEED = [0, 1, 2] as const;

/** Answers one check from a cached entry (no allocation beyond the result object). */
function answer(entry: CachedAccess, check: CheckRequest): CheckResult {
  const index = entry.index;
  const rank = index.levelByIndex(
    index.principalSlot(check.subject),
    index.agentColumn(check.agentId),
    permissionIndex(check.permission),
  );
  return { allowed: rank >= NEED[levelRank(check.level)], level: LEVELS[rank], revision: entry.revision };
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown }).then === 'function';
}

/**
 * One check (`POST /v1/check`). Answered from the instance's compiled index
 * without touching the database unless the caller's `atLeastRevision` (or an
 * announced revision) is newer than the cache (docs/rules.md §3). A workspace the
 * caller may not inspect is 404, exactly like one that does not exist.
 * Returns synchronously on the fast path.
 */
export function checkOne(
  source: AccessStateSource,
  principal: Principal,
  check: CheckRequest,
): CheckResult | Promise<CheckResult> {
  // An API key only ever sees its own workspace: refuse others without a lookup.
  if (principal.type === 'api_key' && principal.workspaceId !== check.workspaceId)
    throw notFound('workspace');
  const got = source.forCheck(check.workspaceId, check.atLeastRevision);
  if (isPromise(got)) return got.then((entry) => decideOne(entry, principal, check));
  return decideOne(got, principal, check);
}

function decideOne(entry: CachedAccess | null, principal: Principal, check: CheckRequest): CheckResult {
  if (entry === null || !mayInspect(entry.state, principal, check.subject)) {
    // A key of this workspace that the state no longer holds (revoked, or its
    // creator removed or demoted: docs/rules.md §4 "API keys"): 401, as the guard answers.
    if (entry !== null && principal.type === 'api_key' && !entry.state.apiKeys.has(principal.apiKeyId)) {
      throw problem('unauthenticated', 'This API key is no longer valid');
    }
    throw notFound('workspace');
  }
  return answer(entry, check);
}

/**
 * Many checks (`POST /v1/check/batch`), one answer each in request order.
 * Each check may name its own workspace, agent, subject and token, or take
 * the batch's top-level ones (a compact body when many checks share them).
 * A check about a workspace the caller may not inspect (or that does not
 * exist) answers `{ allowed: false, level: 'none', revision: 0 }` instead of
 * failing the batch, so existence is not revealed.
 */
export async function checkBatch(
  source: AccessStateSource,
  principal: Principal,
  batch: CheckBatchRequest,
): Promise<CheckResult[]> {
  const checks = batch.checks;
  const missing: FieldIssue[] = [];
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    if (c.workspaceId === undefined && batch.workspaceId === undefined) {
      missing.push({
        path: `/body/checks/${i}/workspaceId`,
        message: 'is required here or at the top level',
      });
    }
    if (c.subject === undefined && batch.subject === undefined) {
      missing.push({ path: `/body/checks/${i}/subject`, message: 'is required here or at the top level' });
    }
  }
  if (missing.length > 0) throw validationFailed(missing.slice(0, 20));

  const results: CheckResult[] = new Array(checks.length);
  // Consecutive checks usually share workspace, subject and agent (always in a
  // compact batch): reuse the entry, the inspection verdict, the principal's
  // slot and the agent's column until one of them changes.
  let entry: CachedAccess | null = null;
  let entryWorkspace: string | null = null;
  let entryToken: number | undefined;
  let subject: CheckRequest['subject'] | null = null;
  let visible = false;
  let slot = -1;
  let agentId: string | null | undefined;
  let column = -1;
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    const workspaceId = (c.workspaceId ?? batch.workspaceId)!;
    const atLeast = c.atLeastRevision ?? batch.atLeastRevision;
    if (principal.type === 'api_key' && principal.workspaceId !== workspaceId) {
      results[i] = HIDDEN;
      continue;
    }
    if (workspaceId !== entryWorkspace || atLeast !== entryToken) {
      const got = source.forCheck(workspaceId, atLeast);
      const next = isPromise(got) ? await got : got;
      if (next !== entry) {
        subject = null;
        agentId = undefined;
      }
      entry = next;
      entryWorkspace = workspaceId;
      entryToken = atLeast;
    }
    if (entry === null) {
      results[i] = HIDDEN;
      continue;
    }
    const s = (c.subject ?? batch.subject)!;
    if (s !== subject) {
      subject = s;
      visible = mayInspect(entry.state, principal, s);
      slot = entry.index.principalSlot(s);
    }
    if (!visible) {
      results[i] = HIDDEN;
      continue;
    }
    const a = c.agentId !== undefined ? c.agentId : (batch.agentId ?? null);
    if (a !== agentId) {
      agentId = a;
      column = entry.index.agentColumn(a);
    }
    const rank = entry.index.levelByIndex(slot, column, permissionIndex(c.permission));
    results[i] = { allowed: rank >= NEED[levelRank(c.level)], level: LEVELS[rank], revision: entry.revision };
  }
  return results;
}

/** An explanation as the API presents it (without the repeated permission). */
function present(e: Explanation) {
  return { level: e.level, uncapped: e.uncapped, grants: e.grants, cap: e.cap, reason: e.reason };
}

/**
 * Every item's level for one member, with its explanation, grouped by area
 * with the area summary (`mixed` when its items differ) — the "effective
 * matrix" of `GET …/members/{userId}/effective` (docs/rules.md §3, explanations).
 */
export function effectiveAccess(
  state: WorkspaceState,
  caller: Subject,
  userId: string,
  agentId: string | null,
) {
  if (!state.members.has(userId)) throw notFound('member');
  requireOpenableAgent(state, caller, agentId);
  const all = effective(state, { userId }, agentId);
  const matrix: Matrix = {};
  for (const e of all) matrix[e.permission] = e.level;
  const byPermission = new Map(all.map((e) => [e.permission, e]));
  return {
    workspaceId: state.workspaceId,
    userId,
    agentId,
    revision: state.revision,
    areas: AREAS.map((area) => ({
      area,
      label: CATALOG_LABELS.areas[area].label,
      level: areaLevel(matrix, area),
      items: permissionsOf(area).map((permission) => {
        const e = byPermission.get(permission)!;
        return {
          permission,
          label: CATALOG_LABELS.items[permission].label,
          sensitive: isSensitive(permission),
          level: e.level,
          explanation: present(e),
        };
      }),
    })),
  };
}

/**
 * "Members see agents they cannot open" (docs/security.md): an agent the
 * caller may not open answers the same 404 as one that does not exist, so
 * its id tells them nothing.
 */
function requireOpenableAgent(state: WorkspaceState, caller: Subject, agentId: string | null): void {
  if (agentId !== null && !hasAgentAccess(state, caller, agentId)) throw notFound('agent');
}

type PrincipalKey = `u:${string}` | `k:${string}`;

function encodeCursor(key: PrincipalKey): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[uk]:[0-9a-f-]{36}$/.test(key) ? key : null;
}

/**
 * Who has at least `level` on `permission` (optionally about one agent):
 * members and live API keys, each with the explanation, in a stable order
 * (users, then keys, by id) and paginated with an opaque cursor. Names come
 * from the database for the page only; the decision comes from `state`.
 */
export async function whoHasAccess(
  db: Kysely<DB>,
  state: WorkspaceState,
  caller: Subject,
  query: WhoHasAccessQuery,
): Promise<WhoHasAccessResponse> {
  const agentId = query.agentId ?? null;
  requireOpenableAgent(state, caller, agentId);
  const need: Level = query.level ?? 'read';
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor);
  const candidates: Array<{ key: PrincipalKey; subject: Subject }> = [];
  for (const id of state.members.keys()) candidates.push({ key: `u:${id}`, subject: { userId: id } });
  for (const id of state.apiKeys.keys()) candidates.push({ key: `k:${id}`, subject: { apiKeyId: id } });
  // 'k' > 'u' would put keys first; order users first, then keys, each by id.
  const order = (k: string) => (k.startsWith('u:') ? `0${k}` : `1${k}`);
  candidates.sort((a, b) => (order(a.key) < order(b.key) ? -1 : 1));

  const page: Array<{ key: PrincipalKey; subject: Subject; explanation: Explanation }> = [];
  let more = false;
  for (const c of candidates) {
    if (after !== null && order(c.key) <= order(after)) continue;
    const e = explain(state, { subject: c.subject, agentId, permission: query.permission as Permission });
    if (levelRank(e.level) < levelRank(need)) continue;
    if (page.length === limit) {
      more = true;
      break;
    }
    page.push({ ...c, explanation: e });
  }

  const userIds = page.flatMap((p) => ('userId' in p.subject ? [p.subject.userId] : []));
  const keyIds = page.flatMap((p) => ('apiKeyId' in p.subject ? [p.subject.apiKeyId] : []));
  const [users, keys] = await Promise.all([
    findUserNames(db, userIds),
    findApiKeyNames(db, state.workspaceId, keyIds),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const keyById = new Map(keys.map((k) => [k.id, k]));
  const last = page[page.length - 1];
  return {
    permission: query.permission,
    level: need,
    agentId,
    revision: state.revision,
    items: page.map((p) => {
      const s = p.subject as { userId?: string; apiKeyId?: string };
      const principal =
        s.userId !== undefined
          ? {
              type: 'user' as const,
              userId: s.userId,
              name: userById.get(s.userId)?.name ?? '',
              email: userById.get(s.userId)?.email ?? '',
              role: state.members.get(s.userId)!.role,
            }
          : {
              type: 'api_key' as const,
              apiKeyId: s.apiKeyId!,
              name: keyById.get(s.apiKeyId!)?.name ?? '',
              prefix: keyById.get(s.apiKeyId!)?.prefix ?? '',
            };
      return { principal, level: p.explanation.level, explanation: present(p.explanation) };
    }),
    nextCursor: more && last ? encodeCursor(last.key) : null,
  };
}
