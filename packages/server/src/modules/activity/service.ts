import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Kysely } from 'kysely';
import type { ActivityEntry, ActorType, DB } from '../../db/schema';
import { validationFailed } from '../../errors';
import { type ActivityFilter, findPage, type PagePosition } from './repo';

/** An activity entry as the API returns it. */
export interface ActivityItem {
  id: string;
  seq: number;
  workspaceId: string | null;
  createdAt: string;
  actor: { type: ActorType; id: string | null; name: string | null };
  action: string;
  target: { type: string; id: string | null } | null;
  agentId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  hash: string;
}

/** Maps a stored row to its API form. */
export function presentEntry(row: ActivityEntry): ActivityItem {
  return {
    id: String(row.id),
    seq: Number(row.seq),
    workspaceId: row.workspace_id,
    createdAt: new Date(row.created_at).toISOString(),
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: row.target_type === null ? null : { type: row.target_type, id: row.target_id },
    agentId: row.agent_id,
    before: row.before,
    after: row.after,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    hash: row.hash,
  };
}

/** Raw filter values as they arrive in a query string (validated by the route schema). */
export interface FilterQuery {
  actor?: string;
  actorType?: ActorType;
  action?: string;
  targetType?: string;
  targetId?: string;
  agentId?: string;
  from?: string;
  to?: string;
}

/** Turns query values into a filter on one chain; an empty time range is a 400 naming `to`. */
export function toFilter(workspaceId: string | null, q: FilterQuery): ActivityFilter {
  const from = q.from === undefined ? undefined : new Date(q.from);
  const to = q.to === undefined ? undefined : new Date(q.to);
  if (from && to && from.getTime() >= to.getTime()) {
    throw validationFailed([{ path: '/querystring/to', message: 'must be later than from' }]);
  }
  return {
    workspaceId: workspaceId?.toLowerCase() ?? null,
    actorId: q.actor,
    actorType: q.actorType,
    action: q.action,
    targetType: q.targetType,
    targetId: q.targetId,
    agentId: q.agentId?.toLowerCase(),
    from,
    to,
  };
}

const CURSOR_PREFIX = 'a2.';

/** Cursors are opaque to clients: today a versioned wrapper around the id and seq of the page's last entry. */
export function encodeCursor(position: PagePosition): string {
  return CURSOR_PREFIX + Buffer.from(`${position.id}:${position.seq}`).toString('base64url');
}

/** The position a cursor points below; a malformed cursor is a 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): PagePosition | null {
  if (cursor === undefined || cursor === '') return null;
  const raw = cursor.startsWith(CURSOR_PREFIX)
    ? Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString()
    : '';
  const m = /^([1-9]\d{0,17}):([1-9]\d{0,17})$/.exec(raw);
  if (!m?.[1] || !m[2]) {
    throw validationFailed([{ path: '/querystring/cursor', message: 'is not a cursor this API returned' }]);
  }
  return { id: m[1], seq: Number(m[2]) };
}

/**
 * One page of a chain, newest first, with the cursor of the next page
 * (null on the last). Keyset pagination on id: a page is the same whatever
 * was appended since the first one was read.
 */
export async function searchActivity(
  db: Kysely<DB>,
  filter: ActivityFilter,
  page: { cursor?: string; limit: number },
): Promise<{ items: ActivityItem[]; nextCursor: string | null }> {
  const before = decodeCursor(page.cursor);
  const rows = await findPage(db, filter, before, page.limit + 1);
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit).map(presentEntry);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor({ id: last.id, seq: last.seq }) : null };
}

/** Rows read per query by exports: memory stays flat whatever the size of the log. */
export const EXPORT_PAGE = 1000;

/** Every entry matching `filter`, newest first, read in keyset pages. */
export async function* iterateActivity(
  db: Kysely<DB>,
  filter: ActivityFilter,
  pageSize = EXPORT_PAGE,
): AsyncGenerator<ActivityEntry> {
  let before: PagePosition | null = null;
  for (;;) {
    const rows = await findPage(db, filter, before, pageSize);
    for (const row of rows) yield row;
    const last = rows.at(-1);
    if (rows.length < pageSize || !last) return;
    before = { id: String(last.id), seq: Number(last.seq) };
  }
}

export type ExportFormat = 'csv' | 'jsonl';

export const CSV_COLUMNS = [
  'id',
  'seq',
  'created_at',
  'actor_type',
  'actor_id',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'agent_id',
  'before',
  'after',
  'ip',
  'user_agent',
  'request_id',
  'hash',
  'prev_hash',
] as const;

/**
 * A spreadsheet would run a cell that starts with `=`, `+`, `-`, `@` (or a tab
 * or carriage return) as a formula; names and targets come from users, so
 * such cells get a leading apostrophe (OWASP "CSV injection").
 */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvRow(row: ActivityEntry): string[] {
  const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
  const text = (v: string | null) => (v === null ? '' : csvSafe(v));
  return [
    String(row.id),
    String(row.seq),
    new Date(row.created_at).toISOString(),
    row.actor_type,
    text(row.actor_id),
    text(row.actor_name),
    text(row.action),
    text(row.target_type),
    text(row.target_id),
    text(row.agent_id),
    json(row.before),
    json(row.after),
    text(row.ip),
    text(row.user_agent),
    text(row.request_id),
    row.hash,
    row.prev_hash,
  ];
}

/**
 * The export as a byte stream (docs/rules.md §5: "export it (CSV, JSON lines)"):
 * rows are pulled page by page only as fast as the consumer reads, so a
 * million-entry export holds one page in memory at a time.
 */
export function exportStream(db: Kysely<DB>, filter: ActivityFilter, format: ExportFormat): Readable {
  const rows = iterateActivity(db, filter);
  if (format === 'jsonl') {
    return Readable.from(
      (async function* () {
        for await (const row of rows) yield `${JSON.stringify(presentEntry(row))}\n`;
      })(),
    );
  }
  const source = Readable.from(
    (async function* () {
      for await (const row of rows) yield csvRow(row);
    })(),
  );
  const csv: Transform = stringify({ header: true, columns: [...CSV_COLUMNS] });
  // pipeline destroys both ends on error or when the client goes away.
  pipeline(source, csv).catch((err: unknown) => csv.destroy(err as Error));
  return csv;
}
