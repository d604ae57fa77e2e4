import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { notFound, problem } from '../../../errors';
import { isoOf } from '../../../http/present';
import { requireUuid } from '../../../ids';
import { getSettings } from '../settings/queries';
import { domainAllowed } from './domains';
import { findShareLink, findShareLinks, findWidgetLink, type ShareLinkRow } from './repo';

/** A share link as the API shows it (its URL under Atrium's public address). */
export function presentShareLink(r: ShareLinkRow, publicUrl: string) {
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
export async function listShareLinks(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  publicUrl: string,
) {
  return (await findShareLinks(db, workspaceId, agentId)).map((r) => presentShareLink(r, publicUrl));
}

/** One share link of the agent (404 for any other id). */
export async function requireShareLink(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
): Promise<ShareLinkRow> {
  requireUuid(id, 'share link');
  const row = await findShareLink(db, workspaceId, agentId, id);
  if (!row) throw notFound('share link');
  return row;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The HTML snippet that embeds the agent's web widget for one share link. */
export async function embedSnippet(
  db: Kysely<DB>,
  workspaceId: string,
  agentId: string,
  id: string,
  publicUrl: string,
) {
  const row = await requireShareLink(db, workspaceId, agentId, id);
  const link = presentShareLink(row, publicUrl);
  const snippet = `<script src="${escapeAttr(`${publicUrl}/widget.js`)}" data-atrium-link="${escapeAttr(row.slug)}" async></script>`;
  return { shareLinkId: row.id, url: link.url, authorizedDomains: link.authorizedDomains, snippet };
}

/**
 * What the web widget needs to render a share link (public: the link itself
 * is the credential). A disabled or unknown link, or one whose agent is not
 * approved, is 404. When a browser embeds the widget, its `Origin` must be
 * one of the link's authorized domains (or Atrium's own origin, for the
 * direct link), served over https (plain http only with
 * `ATRIUM_WIDGET_ALLOW_HTTP`, for local development); otherwise 403 — the
 * domain list is enforced, not decorative.
 * Returns the origin to allow for CORS, if any. A read: it changes nothing.
 */
export async function resolveWidget(
  db: Kysely<DB>,
  slug: string,
  origin: string | undefined,
  publicUrl: string,
  allowHttpOrigins = false,
) {
  const row = await findWidgetLink(db, slug);
  if (!row?.enabled || row.status !== 'approved') throw notFound('share link');
  let allowOrigin: string | null = null;
  if (origin !== undefined && origin !== new URL(publicUrl).origin) {
    let host = '';
    let protocol = '';
    try {
      ({ hostname: host, protocol } = new URL(origin));
    } catch {}
    // An authorized domain is trusted over https only: a plain-http page on it
    // can be rewritten by anyone on the network path (issue 14).
    const secure = protocol === 'https:' || (allowHttpOrigins && protocol === 'http:');
    if (!host || !secure || !domainAllowed(host, row.authorized_domains ?? [])) {
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
