import { randomBytes } from 'node:crypto';
import { defineCommand } from '../../../command/command';
import { validationFailed } from '../../../errors';
import { workspaceOf } from '../scope';
import { parseDomains } from './domains';
import { requireShareLink } from './queries';
import { deleteShareLinkRow, insertShareLink, type ShareLinkRow, updateShareLinkRow } from './repo';

/** Share links of the web widget (docs/rules.md §2 `channels.chat`): create, change, delete. */

function requireName(raw: string): string {
  const name = raw.trim();
  if (!name) throw validationFailed([{ path: '/body/name', message: 'must not be blank' }]);
  return name;
}

export interface CreateShareLinkInput {
  agentId: string;
  link: { name: string; authorizedDomains?: string[] };
}

/** A share link of the agent's web widget, with its authorized domains. */
export const createShareLink = defineCommand({
  name: 'share_links.create',
  actions: ['share_link.created'],
  async run(ctx, { agentId, link }: CreateShareLinkInput): Promise<ShareLinkRow> {
    const workspaceId = workspaceOf(ctx);
    const name = requireName(link.name);
    const domains = parseDomains(link.authorizedDomains ?? []);
    const row = await insertShareLink(ctx.tx, {
      workspaceId,
      agentId,
      name,
      slug: randomBytes(12).toString('base64url'),
      authorizedDomains: domains,
      createdBy: ctx.userId,
    });
    await ctx.record({
      action: 'share_link.created',
      target: { type: 'share_link', id: row.id },
      agentId,
      after: { name, authorizedDomains: domains },
    });
    return row;
  },
});

export interface UpdateShareLinkInput {
  agentId: string;
  id: string;
  patch: { name?: string; authorizedDomains?: string[]; enabled?: boolean };
}

/** Renames, enables/disables or changes the authorized domains of a share link. */
export const updateShareLink = defineCommand({
  name: 'share_links.update',
  actions: ['share_link.updated'],
  target: (input: UpdateShareLinkInput) => ({ type: 'share_link', id: input.id }),
  async run(ctx, { agentId, id, patch }: UpdateShareLinkInput): Promise<ShareLinkRow> {
    const workspaceId = workspaceOf(ctx);
    const name = patch.name === undefined ? undefined : requireName(patch.name);
    const domains = patch.authorizedDomains ? parseDomains(patch.authorizedDomains) : undefined;
    const before = await requireShareLink(ctx.tx, workspaceId, agentId, id);
    const row = await updateShareLinkRow(ctx.tx, workspaceId, id, {
      name,
      authorizedDomains: domains,
      enabled: patch.enabled,
    });
    await ctx.record({
      action: 'share_link.updated',
      target: { type: 'share_link', id },
      agentId,
      before: { name: before.name, authorizedDomains: before.authorized_domains, enabled: before.enabled },
      after: { name: row.name, authorizedDomains: row.authorized_domains, enabled: row.enabled },
    });
    return row;
  },
});

/** Deletes a share link: its URL stops working. */
export const deleteShareLink = defineCommand({
  name: 'share_links.delete',
  actions: ['share_link.deleted'],
  target: (input: { agentId: string; id: string }) => ({ type: 'share_link', id: input.id }),
  async run(ctx, { agentId, id }: { agentId: string; id: string }): Promise<void> {
    const workspaceId = workspaceOf(ctx);
    const before = await requireShareLink(ctx.tx, workspaceId, agentId, id);
    await deleteShareLinkRow(ctx.tx, workspaceId, id);
    await ctx.record({
      action: 'share_link.deleted',
      target: { type: 'share_link', id },
      agentId,
      before: { name: before.name, authorizedDomains: before.authorized_domains },
    });
  },
});
