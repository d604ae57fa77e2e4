import { randomBytes } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { recordActivity } from '../../audit/record';
import type { DB, TranscriptMessageJson } from '../../db/schema';
import { type FieldIssue, notFound, problem, validationFailed } from '../../errors';
import { isUuid, requireUuid, type WriteContext } from './context';
import { maskPii } from './pii';

/**
 * Agent resources (issue 7): settings, data sources, feedback, conversations
 * and share links. Every query filters by workspace AND agent (tenant first);
 * every mutation is one transaction with its activity entry. None of these
 * change access, so none bumps the revision.
 */

type Db = Kysely<DB>;
type Tx = Transaction<DB>;

/** Defaults of an agent's settings before anyone saved them. */
export const DEFAULT_SETTINGS = {
  persona: '',
  primaryColor: '#1f6feb',
  accentColor: '#ffffff',
  logoUrl: null as string | null,
  retentionDays: 90,
  piiRedaction: false,
};

function iso(d: Date | string | null | undefined): string | null {
  if (d == null) return null;
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

function isoOf(d: Date | string): string {
  return (d instanceof Date ? d : new Date(d)).toISOString();
}

/** Accepts only absolute https URLs (logos, recordings): no `javascript:`, no mixed content. */
export function httpsUrlIssue(value: string, path: string): FieldIssue | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:') return { path, message: 'must be an https:// URL' };
    return null;
  } catch {
    return { path, message: 'must be an absolute https:// URL' };
  }
}

// ---------------------------------------------------------------- settings

/** The settings row of an agent, or the defaults. */
export async function getSettings(db: Db | Tx, workspaceId: string, agentId: string) {
  const row = await db
    .selectFrom('agent_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
  const branding = (row?.branding ?? {}) as {
    primaryColor?: string;
    accentColor?: string;
    logoUrl?: string | null;
  };
  return {
    persona: row?.persona ?? DEFAULT_SETTINGS.persona,
    primaryColor: branding.primaryColor ?? DEFAULT_SETTINGS.primaryColor,
    accentColor: branding.accentColor ?? DEFAULT_SETTINGS.accentColor,
    logoUrl: branding.logoUrl ?? DEFAULT_SETTINGS.logoUrl,
    retentionDays: row?.retention_days ?? DEFAULT_SETTINGS.retentionDays,
    piiRedaction: row?.pii_redaction ?? DEFAULT_SETTINGS.piiRedaction,
    updatedAt: iso(row?.updated_at),
  };
}

export type AgentSettings = Awaited<ReturnType<typeof getSettings>>;

/** What a settings update may change. */
export interface SettingsPatch {
  persona?: string;
  primaryColor?: string;
  accentColor?: string;
  logoUrl?: string | null;
  retentionDays?: number;
  piiRedaction?: boolean;
}

/**
 * Updates one group of an agent's settings (persona, branding or privacy:
 * each route declares its own catalog item) in one transaction with the
 * activity entry `agent.<group>_updated` carrying before/after.
 */
export async function updateSettings(
  db: Db,
  workspaceId: string,
  agentId: string,
  group: 'persona' | 'branding' | 'privacy',
  patch: SettingsPatch,
  ctx: WriteContext,
): Promise<AgentSettings> {
  if (patch.logoUrl) {
    const issue = httpsUrlIssue(patch.logoUrl, '/body/logoUrl');
    if (issue) throw validationFailed([issue]);
  }
  return db.transaction().execute(async (tx) => {
    // Lock (or create) the row so two concurrent edits of one group cannot lose each other's fields.
    await tx
      .insertInto('agent_settings')
      .values({ agent_id: agentId, workspace_id: workspaceId, branding: '{}', updated_by: ctx.userId })
      .onConflict((oc) => oc.column('agent_id').doNothing())
      .execute();
    await sql`SELECT 1 FROM agent_settings WHERE agent_id = ${agentId} AND workspace_id = ${workspaceId} FOR UPDATE`.execute(
      tx,
    );
    const before = await getSettings(tx, workspaceId, agentId);
    const next = { ...before, ...patch };
    await tx
      .updateTable('agent_settings')
      .set({
        persona: next.persona,
        branding: JSON.stringify({
          primaryColor: next.primaryColor,
          accentColor: next.accentColor,
          logoUrl: next.logoUrl,
        }),
        retention_days: next.retentionDays,
        pii_redaction: next.piiRedaction,
        updated_by: ctx.userId,
        updated_at: new Date(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('agent_id', '=', agentId)
      .execute();
    const pick = (s: AgentSettings) =>
      group === 'persona'
        ? { persona: s.persona }
        : group === 'branding'
          ? { primaryColor: s.primaryColor, accentColor: s.accentColor, logoUrl: s.logoUrl }
          : { retentionDays: s.retentionDays, piiRedaction: s.piiRedaction };
    const after = await getSettings(tx, workspaceId, agentId);
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: `agent.${group}_updated`,
      target: { type: 'agent', id: agentId },
      agentId,
      before: pick(before),
      after: pick(after),
      origin: ctx.origin,
    });
    return after;
  });
}

// ------------------------------------------------------------ data sources

type DataSourceRow = {
  id: string;
  agent_id: string;
  name: string;
  kind: 'url' | 'file' | 'text';
  location: string | null;
  status: string;
  added_by: string | null;
  added_by_name: string | null;
  created_at: Date;
};

function presentDataSource(r: DataSourceRow) {
  return {
    id: r.id,
    agentId: r.agent_id,
    name: r.name,
    kind: r.kind,
    location: r.location,
    status: r.status,
    addedBy: r.added_by_name ? { id: r.added_by, name: r.added_by_name } : null,
    createdAt: isoOf(r.created_at),
  };
}

/** Data sources of one agent, oldest first. */
export async function listDataSources(db: Db, workspaceId: string, agentId: string) {
  const rows = await db
    .selectFrom('data_sources')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(presentDataSource);
}

/** Input of {@link addDataSource}. */
export interface DataSourceInput {
  name: string;
  kind: 'url' | 'file' | 'text';
  location?: string;
}

/**
 * Adds a data source (SPEC §2 `build.knowledge`). A `url` source needs an
 * http(s) URL, a `file` source a file name; a `text` source has none. New
 * sources start `pending` until the agent platform indexes them.
 */
export async function addDataSource(
  db: Db,
  workspaceId: string,
  agentId: string,
  input: DataSourceInput,
  ctx: WriteContext,
) {
  const name = input.name.trim();
  if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
  let location: string | null = input.location?.trim() || null;
  if (input.kind === 'url') {
    let ok = false;
    try {
      const u = new URL(location ?? '');
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {}
    if (!ok)
      throw validationFailed([{ path: '/body/location', message: 'a url source needs an http(s) URL' }]);
  } else if (input.kind === 'file') {
    if (!location)
      throw validationFailed([{ path: '/body/location', message: 'a file source needs a file name' }]);
  } else {
    location = null;
  }
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('data_sources')
      .values({
        workspace_id: workspaceId,
        agent_id: agentId,
        name,
        kind: input.kind,
        location,
        added_by: ctx.userId,
        added_by_name: ctx.actor.name ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'data_source.added',
      target: { type: 'data_source', id: row.id },
      agentId,
      after: { name, kind: input.kind, location },
      origin: ctx.origin,
    });
    return presentDataSource(row);
  });
}

/**
 * Renames a data source or records its indexing status (the agent platform
 * reports `processing` → `ready` / `failed` with an API key holding edit on
 * `build.knowledge`).
 */
export async function updateDataSource(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  patch: { name?: string; status?: 'pending' | 'processing' | 'ready' | 'failed' },
  ctx: WriteContext,
) {
  requireUuid(id, 'data source');
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name)
    throw validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
  return db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('data_sources')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .where('agent_id', '=', agentId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound('data source');
    const row = await tx
      .updateTable('data_sources')
      .set({ ...(name ? { name } : {}), ...(patch.status ? { status: patch.status } : {}) })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'data_source.updated',
      target: { type: 'data_source', id },
      agentId,
      before: { name: before.name, status: before.status },
      after: { name: row.name, status: row.status },
      origin: ctx.origin,
    });
    return presentDataSource(row);
  });
}

/** Removes a data source of this agent (404 for any other id). */
export async function removeDataSource(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  ctx: WriteContext,
): Promise<void> {
  requireUuid(id, 'data source');
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .deleteFrom('data_sources')
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .where('agent_id', '=', agentId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('data source');
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'data_source.removed',
      target: { type: 'data_source', id },
      agentId,
      before: { name: row.name, kind: row.kind, location: row.location },
      origin: ctx.origin,
    });
  });
}

// ---------------------------------------------------------------- feedback

type FeedbackRow = {
  id: string;
  agent_id: string;
  conversation_id: string | null;
  message_ref: string | null;
  rating: 'up' | 'down';
  comment: string;
  resolved: boolean;
  resolution_note: string;
  resolved_at: Date | null;
  created_at: Date;
};

function presentFeedback(r: FeedbackRow) {
  return {
    id: r.id,
    agentId: r.agent_id,
    conversationId: r.conversation_id,
    messageRef: r.message_ref,
    rating: r.rating,
    comment: r.comment,
    resolved: r.resolved,
    resolutionNote: r.resolution_note,
    resolvedAt: iso(r.resolved_at),
    createdAt: isoOf(r.created_at),
  };
}

/** Feedback on one agent's answers, newest first, optionally filtered. */
export async function listFeedback(
  db: Db,
  workspaceId: string,
  agentId: string,
  filter: { resolved?: boolean; rating?: 'up' | 'down'; limit?: number },
) {
  let q = db
    .selectFrom('feedback')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId);
  if (filter.resolved !== undefined) q = q.where('resolved', '=', filter.resolved);
  if (filter.rating) q = q.where('rating', '=', filter.rating);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50)
    .execute();
  return rows.map(presentFeedback);
}

/** Input of {@link createFeedback}. */
export interface FeedbackInput {
  rating: 'up' | 'down';
  comment?: string;
  conversationId?: string;
  messageRef?: string;
}

/**
 * Records end-user feedback on an answer (usually posted by the agent
 * platform with an API key). A conversation reference must be a
 * conversation of this agent.
 */
export async function createFeedback(
  db: Db,
  workspaceId: string,
  agentId: string,
  input: FeedbackInput,
  ctx: WriteContext,
) {
  return db.transaction().execute(async (tx) => {
    if (input.conversationId !== undefined) {
      const found = isUuid(input.conversationId)
        ? await tx
            .selectFrom('conversations')
            .select('id')
            .where('id', '=', input.conversationId)
            .where('workspace_id', '=', workspaceId)
            .where('agent_id', '=', agentId)
            .executeTakeFirst()
        : undefined;
      if (!found) {
        throw validationFailed([
          { path: '/body/conversationId', message: 'no such conversation of this agent' },
        ]);
      }
    }
    const row = await tx
      .insertInto('feedback')
      .values({
        workspace_id: workspaceId,
        agent_id: agentId,
        conversation_id: input.conversationId ?? null,
        message_ref: input.messageRef ?? null,
        rating: input.rating,
        comment: input.comment ?? '',
        resolved_by: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'feedback.created',
      target: { type: 'feedback', id: row.id },
      agentId,
      after: { rating: row.rating, conversationId: row.conversation_id },
      origin: ctx.origin,
    });
    return presentFeedback(row);
  });
}

/** Resolves or reopens feedback, with an optional note (`analytics.feedback` edit). */
export async function updateFeedback(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  patch: { resolved?: boolean; resolutionNote?: string },
  ctx: WriteContext,
) {
  requireUuid(id, 'feedback');
  return db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('feedback')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .where('agent_id', '=', agentId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound('feedback');
    const resolved = patch.resolved ?? before.resolved;
    const becameResolved = resolved && !before.resolved;
    const row = await tx
      .updateTable('feedback')
      .set({
        resolved,
        resolution_note: patch.resolutionNote ?? before.resolution_note,
        resolved_by: resolved ? (becameResolved ? ctx.userId : before.resolved_by) : null,
        resolved_at: resolved ? (becameResolved ? new Date() : before.resolved_at) : null,
      })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: becameResolved ? 'feedback.resolved' : 'feedback.updated',
      target: { type: 'feedback', id },
      agentId,
      before: { resolved: before.resolved, resolutionNote: before.resolution_note },
      after: { resolved: row.resolved, resolutionNote: row.resolution_note },
      origin: ctx.origin,
    });
    return presentFeedback(row);
  });
}

// ----------------------------------------------------------- conversations

/** What the caller may see of transcripts, from the engine (see routes.ts). */
export interface Disclosure {
  /** Read on `analytics.conversation_pii`: emails and phone numbers shown. */
  pii: boolean;
  /** Read on `analytics.call_download`: the recording's download URL shown. */
  recordings: boolean;
}

type ConversationRow = {
  id: string;
  agent_id: string;
  external_id: string;
  channel: 'chat' | 'voice' | 'sms' | 'api';
  end_user: string | null;
  messages: TranscriptMessageJson[];
  recording_url: string | null;
  started_at: Date;
  ended_at: Date | null;
};

function presentConversation(r: ConversationRow, d: Disclosure) {
  const mask = (s: string) => (d.pii ? s : maskPii(s));
  const messages = (r.messages ?? []).map((m) => ({ ...m, text: mask(m.text) }));
  const first = messages.find((m) => m.role === 'user') ?? messages[0];
  return {
    id: r.id,
    agentId: r.agent_id,
    externalId: r.external_id,
    channel: r.channel,
    endUser: r.end_user === null ? null : mask(r.end_user),
    startedAt: isoOf(r.started_at),
    endedAt: iso(r.ended_at),
    messageCount: messages.length,
    preview: (first?.text ?? '').slice(0, 200),
    hasRecording: r.recording_url !== null,
    masked: !d.pii,
    messages,
    recordingUrl: d.recordings ? r.recording_url : null,
  };
}

/** The oldest start time still kept under the agent's retention setting. */
async function retentionCutoff(db: Db | Tx, workspaceId: string, agentId: string): Promise<Date> {
  const s = await getSettings(db, workspaceId, agentId);
  return new Date(Date.now() - s.retentionDays * 86_400_000);
}

/**
 * Transcripts of one agent, newest first, within the retention window,
 * masked according to `disclosure`.
 */
export async function listConversations(
  db: Db,
  workspaceId: string,
  agentId: string,
  query: { before?: string; limit?: number },
  disclosure: Disclosure,
) {
  const cutoff = await retentionCutoff(db, workspaceId, agentId);
  let q = db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('started_at', '>=', cutoff);
  if (query.before) q = q.where('started_at', '<', new Date(query.before));
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit ?? 50)
    .execute();
  return rows.map((r) => {
    const { messages: _m, recordingUrl: _r, ...summary } = presentConversation(r, disclosure);
    return summary;
  });
}

/** One transcript of this agent (404 for any other id, or once past retention). */
export async function getConversation(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  disclosure: Disclosure,
) {
  requireUuid(id, 'conversation');
  const cutoff = await retentionCutoff(db, workspaceId, agentId);
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .where('started_at', '>=', cutoff)
    .executeTakeFirst();
  if (!row) throw notFound('conversation');
  return presentConversation(row, disclosure);
}

/** Input of {@link ingestConversation}. */
export interface ConversationInput {
  externalId: string;
  channel?: 'chat' | 'voice' | 'sms' | 'api';
  endUser?: string;
  startedAt: string;
  endedAt?: string;
  messages: TranscriptMessageJson[];
  recordingUrl?: string;
}

/**
 * Stores a transcript sent by the agent platform (idempotent on
 * `externalId`: sending it again replaces it). When the agent's privacy
 * settings ask for PII redaction, emails and phone numbers are masked
 * before anything is stored, so nobody can unmask them later.
 */
export async function ingestConversation(
  db: Db,
  workspaceId: string,
  agentId: string,
  input: ConversationInput,
  ctx: WriteContext,
): Promise<{ id: string; created: boolean }> {
  if (input.recordingUrl) {
    const issue = httpsUrlIssue(input.recordingUrl, '/body/recordingUrl');
    if (issue) throw validationFailed([issue]);
  }
  if (input.endedAt && new Date(input.endedAt) < new Date(input.startedAt)) {
    throw validationFailed([{ path: '/body/endedAt', message: 'must not be before startedAt' }]);
  }
  return db.transaction().execute(async (tx) => {
    const settings = await getSettings(tx, workspaceId, agentId);
    const clean = (s: string) => (settings.piiRedaction ? maskPii(s) : s);
    const messages = input.messages.map((m) => ({ ...m, text: clean(m.text) }));
    const values = {
      channel: input.channel ?? ('chat' as const),
      end_user: input.endUser === undefined ? null : clean(input.endUser),
      messages: JSON.stringify(messages),
      recording_url: input.recordingUrl ?? null,
      started_at: new Date(input.startedAt),
      ended_at: input.endedAt ? new Date(input.endedAt) : null,
    };
    const existing = await tx
      .selectFrom('conversations')
      .select('id')
      .where('agent_id', '=', agentId)
      .where('workspace_id', '=', workspaceId)
      .where('external_id', '=', input.externalId)
      .forUpdate()
      .executeTakeFirst();
    let id: string;
    if (existing) {
      await tx.updateTable('conversations').set(values).where('id', '=', existing.id).execute();
      id = existing.id;
    } else {
      const row = await tx
        .insertInto('conversations')
        .values({ workspace_id: workspaceId, agent_id: agentId, external_id: input.externalId, ...values })
        .onConflict((oc) => oc.columns(['agent_id', 'external_id']).doUpdateSet(values))
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    // The log says that a transcript arrived, never what it says (it may hold personal data).
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: existing ? 'conversation.updated' : 'conversation.ingested',
      target: { type: 'conversation', id },
      agentId,
      after: { externalId: input.externalId, messageCount: messages.length },
      origin: ctx.origin,
    });
    return { id, created: !existing };
  });
}

// ------------------------------------------------------------- share links

/**
 * A host name as a browser sends it in `Origin` (ASCII/punycode, lower
 * case), optionally `*.`-prefixed for every subdomain; `localhost` allowed
 * for development.
 */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Normalises and validates authorized domains; the issues name each bad entry. */
export function parseDomains(domains: readonly string[]): string[] {
  const issues: FieldIssue[] = [];
  const out: string[] = [];
  domains.forEach((raw, i) => {
    const d = raw.trim().toLowerCase().replace(/\.$/, '');
    const hasDot = d.includes('.') || d === 'localhost';
    if (!DOMAIN.test(d) || !hasDot || d === '*.' || d.includes('/') || d.includes(':')) {
      issues.push({
        path: `/body/authorizedDomains/${i}`,
        message: 'must be a host name such as example.com or *.example.com',
      });
    } else if (!out.includes(d)) out.push(d);
  });
  if (issues.length) throw validationFailed(issues);
  return out;
}

type ShareLinkRow = {
  id: string;
  agent_id: string;
  name: string;
  slug: string;
  authorized_domains: string[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
};

function presentShareLink(r: ShareLinkRow, publicUrl: string) {
  return {
    id: r.id,
    agentId: r.agent_id,
    name: r.name,
    url: `${publicUrl}/chat/${r.slug}`,
    authorizedDomains: r.authorized_domains ?? [],
    enabled: r.enabled,
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
  };
}

/** Share links of one agent, oldest first. */
export async function listShareLinks(db: Db, workspaceId: string, agentId: string, publicUrl: string) {
  const rows = await db
    .selectFrom('share_links')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => presentShareLink(r, publicUrl));
}

async function findShareLink(db: Db | Tx, workspaceId: string, agentId: string, id: string) {
  requireUuid(id, 'share link');
  const row = await db
    .selectFrom('share_links')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
  if (!row) throw notFound('share link');
  return row;
}

/** A share link of the agent's web widget, with its authorized domains. */
export async function createShareLink(
  db: Db,
  workspaceId: string,
  agentId: string,
  input: { name: string; authorizedDomains?: string[] },
  publicUrl: string,
  ctx: WriteContext,
) {
  const name = input.name.trim();
  if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
  const domains = parseDomains(input.authorizedDomains ?? []);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('share_links')
      .values({
        workspace_id: workspaceId,
        agent_id: agentId,
        name,
        slug: randomBytes(12).toString('base64url'),
        authorized_domains: JSON.stringify(domains),
        created_by: ctx.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'share_link.created',
      target: { type: 'share_link', id: row.id },
      agentId,
      after: { name, authorizedDomains: domains },
      origin: ctx.origin,
    });
    return presentShareLink(row, publicUrl);
  });
}

/** Renames, enables/disables or changes the authorized domains of a share link. */
export async function updateShareLink(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  patch: { name?: string; authorizedDomains?: string[]; enabled?: boolean },
  publicUrl: string,
  ctx: WriteContext,
) {
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name)
    throw validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
  const domains = patch.authorizedDomains ? parseDomains(patch.authorizedDomains) : undefined;
  return db.transaction().execute(async (tx) => {
    const before = await findShareLink(tx, workspaceId, agentId, id);
    const row = await tx
      .updateTable('share_links')
      .set({
        ...(name ? { name } : {}),
        ...(domains ? { authorized_domains: JSON.stringify(domains) } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'share_link.updated',
      target: { type: 'share_link', id },
      agentId,
      before: { name: before.name, authorizedDomains: before.authorized_domains, enabled: before.enabled },
      after: { name: row.name, authorizedDomains: row.authorized_domains, enabled: row.enabled },
      origin: ctx.origin,
    });
    return presentShareLink(row, publicUrl);
  });
}

/** Deletes a share link: its URL stops working. */
export async function deleteShareLink(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  ctx: WriteContext,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const before = await findShareLink(tx, workspaceId, agentId, id);
    await tx.deleteFrom('share_links').where('id', '=', id).where('workspace_id', '=', workspaceId).execute();
    await recordActivity(tx, {
      workspaceId,
      actor: ctx.actor,
      action: 'share_link.deleted',
      target: { type: 'share_link', id },
      agentId,
      before: { name: before.name, authorizedDomains: before.authorized_domains },
      origin: ctx.origin,
    });
  });
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The HTML snippet that embeds the agent's web widget for one share link. */
export async function embedSnippet(
  db: Db,
  workspaceId: string,
  agentId: string,
  id: string,
  publicUrl: string,
) {
  const row = await findShareLink(db, workspaceId, agentId, id);
  const link = presentShareLink(row, publicUrl);
  const snippet = `<script src="${escapeAttr(`${publicUrl}/widget.js`)}" data-atrium-link="${escapeAttr(row.slug)}" async></script>`;
  return { shareLinkId: row.id, url: link.url, authorizedDomains: link.authorizedDomains, snippet };
}

/** Whether a page host may embed a link: exact match, or `*.example.com` for any subdomain of example.com. */
export function domainAllowed(host: string, authorized: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return authorized.some((d) => (d.startsWith('*.') ? h.endsWith(d.slice(1)) : h === d));
}

/**
 * What the web widget needs to render a share link (public: the link itself
 * is the credential). A disabled or unknown link, or one whose agent is not
 * approved, is 404. When a browser embeds the widget, its `Origin` must be
 * one of the link's authorized domains (or Atrium's own origin, for the
 * direct link); otherwise 403 — the domain list is enforced, not decorative.
 * Returns the origin to allow for CORS, if any.
 */
export async function resolveWidget(db: Db, slug: string, origin: string | undefined, publicUrl: string) {
  const row = await db
    .selectFrom('share_links')
    .innerJoin('agents', (j) =>
      j
        .onRef('agents.id', '=', 'share_links.agent_id')
        .onRef('agents.workspace_id', '=', 'share_links.workspace_id'),
    )
    .select([
      'share_links.workspace_id',
      'share_links.agent_id',
      'share_links.name as link_name',
      'share_links.authorized_domains',
      'share_links.enabled',
      'agents.name as agent_name',
      'agents.status',
    ])
    .where('share_links.slug', '=', slug)
    .executeTakeFirst();
  if (!row?.enabled || row.status !== 'approved') throw notFound('share link');
  let allowOrigin: string | null = null;
  if (origin !== undefined && origin !== new URL(publicUrl).origin) {
    let host = '';
    try {
      host = new URL(origin).hostname;
    } catch {}
    if (!host || !domainAllowed(host, row.authorized_domains ?? [])) {
      throw problem('forbidden', 'This site is not an authorized domain of this share link', { origin });
    }
    allowOrigin = origin;
  }
  const s = await getSettings(db, row.workspace_id, row.agent_id);
  return {
    allowOrigin,
    view: {
      agentName: row.agent_name,
      linkName: row.link_name,
      primaryColor: s.primaryColor,
      accentColor: s.accentColor,
      logoUrl: s.logoUrl,
    },
  };
}
