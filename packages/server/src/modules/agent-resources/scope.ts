import type { Permission } from '@atrium/policy';
import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '../../command/command';
import { scopeOf } from '../../http/guard';
import { levelIn, reaches } from '../access/levels';
import type { Disclosure } from './conversations/queries';

/** The path every agent resource lives under. */
export const BASE = '/v1/workspaces/:workspaceId/agents/:agentId';

/**
 * Catalog items each resource is governed by (docs/rules.md §2). Routes name
 * them; the guard enforces them. The two transcript items below are *declared
 * second permissions*: they never refuse a request, they decide what a
 * transcript shows (docs/rules.md §2: `conversation_pii` = unmasked personal
 * data, `call_download` = recordings).
 */
export const RESOURCE_PERMISSIONS = {
  persona: 'build.agent',
  branding: 'channels.chat',
  privacy: 'configure.security',
  dataSources: 'build.knowledge',
  feedback: 'analytics.feedback',
  conversations: 'analytics.conversations',
  conversationPii: 'analytics.conversation_pii',
  callDownload: 'analytics.call_download',
  shareLinks: 'channels.chat',
} as const satisfies Record<string, Permission>;

/** The workspace and agent of the request's path (the guard resolved both). */
export function agentOf(req: FastifyRequest): { workspaceId: string; agentId: string } {
  const scope = scopeOf(req);
  return { workspaceId: scope.workspaceId, agentId: scope.agentId as string };
}

/** `can.edit` of an answer: whether the caller holds edit on `permission` here. */
export function canEdit(req: FastifyRequest, permission: Permission): { edit: boolean } {
  return { edit: reaches(levelIn(scopeOf(req), permission), 'edit') };
}

/** What the caller may see of transcripts, from the engine. */
export function disclosureOf(req: FastifyRequest): Disclosure {
  const scope = scopeOf(req);
  return {
    pii: reaches(levelIn(scope, RESOURCE_PERMISSIONS.conversationPii), 'read'),
    recordings: reaches(levelIn(scope, RESOURCE_PERMISSIONS.callDownload), 'read'),
  };
}

/** The workspace a command of this module acts in (every one runs in a workspace scope). */
export function workspaceOf(ctx: CommandContext): string {
  if (!ctx.workspaceId) throw new Error('agent resource commands run in a workspace scope');
  return ctx.workspaceId;
}
