/**
 * Generates `schema.d.ts` (the console's request/response types) from the
 * server's OpenAPI document, with the SDK's generator: the console's calls
 * and the server's schemas share one source, so a server change that breaks
 * the console fails `tsc`.
 *
 * Run: `npm run generate -w @atrium/console`. A test (`schema.test.ts`)
 * fails when the committed file is out of date. This file is a build tool:
 * the console app never imports it (nor the server).
 */
import path from 'node:path';
import { isMain, type SchemaTarget, writeSchemaFile } from '@atrium/sdk/generate';

/**
 * The API paths the console calls or links to. The typed client accepts only
 * these, so a path missing here fails to compile; the generator fails on a
 * path the API does not have.
 */
export const CONSOLE_PATHS = [
  '/v1/auth/providers',
  '/v1/auth/sign-up',
  '/v1/auth/sign-in',
  '/v1/auth/sign-out',
  '/v1/auth/verify-email',
  '/v1/auth/password-reset',
  '/v1/auth/password-reset/confirm',
  '/v1/me',
  '/v1/me/password',
  '/v1/me/verify-email',
  '/v1/me/sessions',
  '/v1/me/sessions/{id}',
  '/v1/me/sessions/revoke-others',
  '/v1/dev/mailbox',
  '/v1/dev/mailbox/{id}',
  '/v1/invitations/lookup',
  '/v1/invitations/accept',
  '/v1/workspaces',
  '/v1/workspaces/{workspaceId}',
  '/v1/workspaces/{workspaceId}/members',
  '/v1/workspaces/{workspaceId}/members/export.csv',
  '/v1/workspaces/{workspaceId}/members/bulk-permissions',
  '/v1/workspaces/{workspaceId}/members/{userId}',
  '/v1/workspaces/{workspaceId}/members/{userId}/effective',
  '/v1/workspaces/{workspaceId}/agents',
  '/v1/workspaces/{workspaceId}/agents/{agentId}',
  '/v1/workspaces/{workspaceId}/agents/{agentId}/approve',
  '/v1/workspaces/{workspaceId}/agents/{agentId}/reject',
  '/v1/workspaces/{workspaceId}/agents/{agentId}/members',
  '/v1/workspaces/{workspaceId}/agents/{agentId}/members/{userId}',
  '/v1/workspaces/{workspaceId}/agents/{agentId}/subscription',
  '/v1/workspaces/{workspaceId}/agents/{agentId}/payment-method',
  '/v1/workspaces/{workspaceId}/presets',
  '/v1/workspaces/{workspaceId}/presets/{id}',
  '/v1/workspaces/{workspaceId}/presets/{id}/versions',
  '/v1/workspaces/{workspaceId}/presets/{id}/compare',
  '/v1/workspaces/{workspaceId}/policies',
  '/v1/workspaces/{workspaceId}/invitations',
  '/v1/workspaces/{workspaceId}/invitations/{id}',
  '/v1/workspaces/{workspaceId}/invitations/{id}/resend',
  '/v1/workspaces/{workspaceId}/api-keys',
  '/v1/workspaces/{workspaceId}/api-keys/{id}',
  '/v1/workspaces/{workspaceId}/api-keys/{id}/transfer',
  '/v1/workspaces/{workspaceId}/activity',
  '/v1/workspaces/{workspaceId}/activity/export',
  '/v1/workspaces/{workspaceId}/activity/verify',
  '/v1/workspaces/{workspaceId}/billing',
  '/v1/workspaces/{workspaceId}/payment-methods',
  '/v1/workspaces/{workspaceId}/payment-methods/{id}',
  '/v1/workspaces/{workspaceId}/payment-methods/{id}/default',
  '/v1/workspaces/{workspaceId}/subscriptions',
  '/v1/workspaces/{workspaceId}/invoices',
  '/v1/workspaces/{workspaceId}/invoices/{id}/pdf',
  '/v1/workspaces/{workspaceId}/tickets',
  '/v1/workspaces/{workspaceId}/tickets/{id}',
  '/v1/workspaces/{workspaceId}/tickets/{id}/comments',
] as const;

export const CONSOLE_SCHEMA: SchemaTarget = {
  file: path.join(import.meta.dirname, 'schema.d.ts'),
  paths: CONSOLE_PATHS,
  command: 'npm run generate -w @atrium/console',
  consumer: 'the console',
};

if (isMain(import.meta.filename)) await writeSchemaFile(CONSOLE_SCHEMA);
