import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { DB } from '../db/schema';

/**
 * Query-tree inspection for the command layer (docs/architecture.md,
 * "Commands"). Two plugins share it:
 *
 * - {@link TenantWriteGuard}, installed on every database handle: an UPDATE
 *   or DELETE on a tenant table (a table with a `workspace_id` column) that
 *   does not name `workspace_id` in its WHERE is refused before it reaches
 *   the database (ARCHITECTURE convention 4, "tenant first").
 * - {@link AccessWriteTracker}, installed on a command's transaction: notes
 *   every write that can change a workspace's access state, so the command
 *   wrapper bumps the revision without the command having to remember.
 */

/** Tables whose rows carry `workspace_id` (every tenant table). */
export const TENANT_TABLES: ReadonlySet<keyof DB> = new Set<keyof DB>([
  'workspace_members',
  'agents',
  'agent_members',
  'presets',
  'preset_versions',
  'workspace_policies',
  'policy_caps',
  'api_keys',
  'invitations',
  'activity_settings',
  'agent_settings',
  'data_sources',
  'conversations',
  'feedback',
  'share_links',
  'billing_profiles',
  'payment_methods',
  'subscriptions',
  'invoices',
  'invoice_lines',
  'tickets',
  'ticket_comments',
]);

/**
 * The tables (and, for updates, the columns) the access state is loaded from
 * (modules/access/state.ts). A write to one of these columns, or an insert or
 * delete in one of these tables, can change a decision. `'*'`: every column.
 */
export const ACCESS_COLUMNS: Readonly<Partial<Record<keyof DB, readonly string[] | '*'>>> = {
  // Creating or deleting a workspace makes or ends its access state (its
  // access rows go with it by cascade); renaming it and the revision bump do not.
  workspaces: ['id'],
  workspace_members: ['role', 'agent_access', 'matrix', 'preset_id', 'user_id', 'workspace_id'],
  agents: ['id', 'workspace_id'],
  agent_members: '*',
  api_keys: [
    'matrix',
    'preset_id',
    'agent_id',
    'revoked_at',
    'expires_at',
    'workspace_id',
    'created_by',
    'service_key',
  ],
  presets: ['matrix', 'workspace_id', 'id'],
  workspace_policies: '*',
  policy_caps: '*',
};

/** A statement's kind and table, when it writes one. */
export interface WriteInfo {
  kind: 'insert' | 'update' | 'delete';
  table: string;
  /** Updated columns (updates only); null when unknown (raw SQL). */
  columns: string[] | null;
  /** Whether the WHERE names `workspace_id` (updates and deletes). */
  scopedToWorkspace: boolean;
}

function nameOfTable(node: OperationNode | undefined): string | null {
  if (!node) return null;
  const n = node as unknown as Record<string, unknown> & { kind: string };
  if (n.kind === 'TableNode') {
    return ((n.table as { identifier: { name: string } }).identifier.name as string) ?? null;
  }
  if (n.kind === 'AliasNode') return nameOfTable(n.node as OperationNode);
  if (n.kind === 'FromNode') return nameOfTable((n.froms as OperationNode[])[0]);
  return null;
}

function columnName(node: OperationNode): string | null {
  const n = node as unknown as { kind: string; column?: { name?: string } };
  return n.kind === 'ColumnNode' ? (n.column?.name ?? null) : null;
}

/** Whether any node below `node` is a reference to the column `name`. */
function mentionsColumn(node: unknown, name: string, depth = 0): boolean {
  if (depth > 64 || node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => mentionsColumn(n, name, depth + 1));
  const n = node as { kind?: string; column?: { name?: string } };
  if (n.kind === 'ColumnNode' && n.column?.name === name) return true;
  for (const value of Object.values(node)) {
    if (value !== null && typeof value === 'object' && mentionsColumn(value, name, depth + 1)) return true;
  }
  return false;
}

const RAW_WRITE = /\b(insert\s+into|update|delete\s+from)\s+"?([a-z_]+)"?/gi;

/** The writes a statement makes (raw SQL is read conservatively: every column). */
export function writesOf(node: RootOperationNode): WriteInfo[] {
  const n = node as unknown as Record<string, unknown> & { kind: string };
  switch (n.kind) {
    case 'InsertQueryNode': {
      const table = nameOfTable(n.into as OperationNode);
      return table ? [{ kind: 'insert', table, columns: null, scopedToWorkspace: true }] : [];
    }
    case 'UpdateQueryNode': {
      const table = nameOfTable(n.table as OperationNode);
      if (!table) return [];
      const updates = (n.updates ?? []) as { column: OperationNode }[];
      return [
        {
          kind: 'update',
          table,
          columns: updates.map((u) => columnName(u.column) ?? '?'),
          scopedToWorkspace: mentionsColumn(n.where, 'workspace_id'),
        },
      ];
    }
    case 'DeleteQueryNode': {
      const table = nameOfTable(n.from as OperationNode);
      return table
        ? [
            {
              kind: 'delete',
              table,
              columns: null,
              scopedToWorkspace: mentionsColumn(n.where, 'workspace_id'),
            },
          ]
        : [];
    }
    case 'RawNode': {
      const text = ((n.sqlFragments ?? []) as string[]).join(' ');
      const out: WriteInfo[] = [];
      for (const m of text.matchAll(RAW_WRITE)) {
        const verb = (m[1] as string).toLowerCase();
        out.push({
          kind: verb.startsWith('insert') ? 'insert' : verb.startsWith('update') ? 'update' : 'delete',
          table: (m[2] as string).toLowerCase(),
          columns: null,
          // Raw statements are reviewed by hand; the guard checks builder queries.
          scopedToWorkspace: true,
        });
      }
      return out;
    }
    default:
      return [];
  }
}

/** Whether a write can change a workspace's access state. */
export function changesAccess(write: WriteInfo): boolean {
  const columns = ACCESS_COLUMNS[write.table as keyof DB];
  if (columns === undefined) return false;
  if (write.kind !== 'update' || columns === '*' || write.columns === null) return true;
  return write.columns.some((c) => columns.includes(c));
}

/** Thrown for a tenant-table write without `workspace_id` in its WHERE: a programming error. */
export class UnscopedTenantWrite extends Error {
  constructor(write: WriteInfo) {
    super(
      `${write.kind.toUpperCase()} on tenant table "${write.table}" without workspace_id in its WHERE ` +
        '(every tenant-table write names its workspace: docs/architecture.md)',
    );
    this.name = 'UnscopedTenantWrite';
  }
}

/** Refuses UPDATE/DELETE on a tenant table whose WHERE does not name `workspace_id`. */
export class TenantWriteGuard implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind;
    if (kind === 'UpdateQueryNode' || kind === 'DeleteQueryNode') {
      for (const write of writesOf(args.node)) {
        if (TENANT_TABLES.has(write.table as keyof DB) && !write.scopedToWorkspace) {
          throw new UnscopedTenantWrite(write);
        }
      }
    }
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Notes whether any statement run through it could change access (one per command run). */
export class AccessWriteTracker implements KyselyPlugin {
  accessWritten = false;
  readonly tables = new Set<string>();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    for (const write of writesOf(args.node)) {
      this.tables.add(write.table);
      if (changesAccess(write)) this.accessWritten = true;
    }
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
