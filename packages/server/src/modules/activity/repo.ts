import {
  type Expression,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import { chainKey, GLOBAL_CHAIN } from '../../audit/record';
import type { ActivityEntry, ActorType, DB } from '../../db/schema';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * What an activity search may filter on (docs/rules.md §5: "filter it by actor,
 * action, target and time"). Every filter is optional; all given ones apply.
 */
export interface ActivityFilter {
  /** The chain: a workspace id, or null for account-level events. */
  workspaceId: string | null;
  /** `actor_id`: a user id or API key id. */
  actorId?: string;
  actorType?: ActorType;
  /** Exact action, or a prefix written `member.*` (everything under `member.`). */
  action?: string;
  targetType?: string;
  targetId?: string;
  agentId?: string;
  /** Inclusive lower bound on `created_at`. */
  from?: Date;
  /** Exclusive upper bound on `created_at`. */
  to?: Date;
  /** Only for /v1/me/activity: entries the user made or that were about them. */
  involvingUser?: string;
}

/**
 * The most two instances' clocks may disagree, for turning a time window into
 * id bounds (see applyFilter). Entries are stamped after the chain's append
 * lock is taken, so within one chain time goes backwards by at most this.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

function chainColumn(alias: 'b', workspaceId: string | null): Expression<SqlBool> {
  return workspaceId === null
    ? sql<SqlBool>`${sql.ref(`${alias}.workspace_id`)} IS NULL`
    : sql<SqlBool>`${sql.ref(`${alias}.workspace_id`)} = ${workspaceId}`;
}

/** A prefix pattern `a.b.*` → the LIKE pattern `a.b.%` (with LIKE's own wildcards escaped). */
export function actionPattern(action: string): { exact: string } | { like: string } {
  if (!action.endsWith('.*')) return { exact: action };
  const prefix = action.slice(0, -1); // keeps the dot: `member.`
  return { like: `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
}

/** The position of an entry in its chain: both keys, which sort the same way within one chain. */
export interface PagePosition {
  id: string;
  seq: number;
}

/**
 * Which key a query pages on. Within one chain `id` and `seq` sort alike
 * (appends are serialised), so either gives the same pages; the choice is
 * only about the index. Filters with an index of their own (exact action,
 * actor, target, agent) page on `id` along that index; everything else pages
 * on `seq` along the chain's unique index, which, unlike the primary key,
 * only holds this chain, so PostgreSQL cannot be tempted into walking other
 * workspaces' newer entries (it was, on the 1M-entry bench).
 */
export function pageKey(f: ActivityFilter): 'id' | 'seq' {
  const exactAction = f.action !== undefined && !f.action.endsWith('.*');
  return exactAction ||
    f.actorId !== undefined ||
    f.targetType !== undefined ||
    f.targetId !== undefined ||
    f.agentId !== undefined ||
    f.involvingUser !== undefined
    ? 'id'
    : 'seq';
}

function applyFilter<O>(
  q: SelectQueryBuilder<DB, 'activity_log', O>,
  f: ActivityFilter,
  key: 'id' | 'seq',
): SelectQueryBuilder<DB, 'activity_log', O> {
  // Tenant first: the chain is always the first condition (CONTRIBUTING).
  let out =
    f.workspaceId === null
      ? q.where('workspace_id', 'is', null)
      : q.where('workspace_id', '=', f.workspaceId);
  if (key === 'seq') out = out.where(chainKey(), '=', f.workspaceId ?? GLOBAL_CHAIN);
  if (f.actorId !== undefined) out = out.where('actor_id', '=', f.actorId);
  if (f.actorType !== undefined) out = out.where('actor_type', '=', f.actorType);
  if (f.action !== undefined) {
    const p = actionPattern(f.action);
    out = 'exact' in p ? out.where('action', '=', p.exact) : out.where('action', 'like', p.like);
  }
  if (f.targetType !== undefined) out = out.where('target_type', '=', f.targetType);
  if (f.targetId !== undefined) out = out.where('target_id', '=', f.targetId);
  if (f.agentId !== undefined) out = out.where('agent_id', '=', f.agentId);
  if (f.from !== undefined) {
    const from = f.from;
    out = out.where('created_at', '>=', from);
    // Bound the key too, so a window deep in a long log is an index range,
    // not a scan from the newest entry. The last entry written well before
    // the window (by more than CLOCK_SKEW_MS) precedes every entry in it:
    // appends to a chain are serialised, so timestamps only go backwards by
    // the clock skew between instances.
    out = out.where(({ eb, selectFrom }) =>
      eb(
        key,
        '>',
        eb.fn.coalesce(
          selectFrom('activity_log as b')
            .select(`b.${key}`)
            .where(chainColumn('b', f.workspaceId))
            .where('b.created_at', '<', new Date(from.getTime() - CLOCK_SKEW_MS))
            .orderBy('b.created_at', 'desc')
            .orderBy('b.id', 'desc')
            .limit(1),
          sql<string>`0`,
        ),
      ),
    );
  }
  if (f.to !== undefined) {
    const to = f.to;
    out = out.where('created_at', '<', to);
    // Likewise the first entry written well after the window follows all of it.
    out = out.where(({ eb, selectFrom }) =>
      eb(
        key,
        '<',
        eb.fn.coalesce(
          selectFrom('activity_log as b')
            .select(`b.${key}`)
            .where(chainColumn('b', f.workspaceId))
            .where('b.created_at', '>=', new Date(to.getTime() + CLOCK_SKEW_MS))
            .orderBy('b.created_at', 'asc')
            .orderBy('b.id', 'asc')
            .limit(1),
          sql<string>`9223372036854775807`,
        ),
      ),
    );
  }
  if (f.involvingUser !== undefined) {
    const userId = f.involvingUser;
    out = out.where((eb) =>
      eb.or([
        eb.and([eb('actor_type', '=', 'user'), eb('actor_id', '=', userId)]),
        eb.and([eb('target_type', '=', 'user'), eb('target_id', '=', userId)]),
      ]),
    );
  }
  return out;
}

/**
 * One keyset page, newest first: entries before `before` (all when null).
 * Ids and seqs only grow, and appends to one chain are serialised, so a page
 * never shifts when new entries arrive while someone is paging.
 */
export async function findPage(
  db: Db,
  filter: ActivityFilter,
  before: PagePosition | null,
  limit: number,
): Promise<ActivityEntry[]> {
  const rows = await pageQuery(db, filter, before, limit).execute();
  return rows.map((r) => ({ ...r, id: String(r.id), seq: Number(r.seq) }));
}

/** The query behind `findPage`, unexecuted (the benchmark EXPLAINs it). */
export function pageQuery(db: Db, filter: ActivityFilter, before: PagePosition | null, limit: number) {
  const key = pageKey(filter);
  let q = applyFilter(db.selectFrom('activity_log').selectAll(), filter, key);
  if (before !== null) {
    q = key === 'id' ? q.where('id', '<', before.id) : q.where('seq', '<', before.seq);
  }
  q = key === 'id' ? q.orderBy('id', 'desc') : q.orderBy(chainKey(), 'desc').orderBy('seq', 'desc');
  return q.limit(limit);
}
