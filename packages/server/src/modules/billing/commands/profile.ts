import { type CommandContext, defineCommand } from '../../../command/command';
import { validationFailed } from '../../../errors';
import { getProfile, profileDefaults } from '../queries';
import { ensureAndLockProfile, updateProfileRow } from '../repo';

/**
 * The billing profile (docs/rules.md §4 "Billing"): org name and invoice
 * emails, and the profile lock every billing command that reads the default
 * payment method takes.
 */

export function workspaceOf(ctx: CommandContext): string {
  if (!ctx.workspaceId) throw new Error('billing commands run in a workspace scope');
  return ctx.workspaceId;
}

/** Creates the profile row from its defaults if missing, locks it, and returns it. */
export async function lockProfile(ctx: CommandContext, workspaceId: string) {
  await ensureAndLockProfile(ctx.tx, workspaceId, await profileDefaults(ctx.tx, workspaceId));
  return getProfile(ctx.tx, workspaceId);
}

/** Changes the organization name or invoice emails (validated, lower-cased, de-duplicated). */
export const updateProfile = defineCommand({
  name: 'billing.update_profile',
  actions: ['billing.details_updated'],
  async run(ctx, patch: { orgName?: string; invoiceEmails?: string[] }) {
    const workspaceId = workspaceOf(ctx);
    const orgName = patch.orgName?.trim();
    if (patch.orgName !== undefined && !orgName) {
      throw validationFailed([{ path: '/body/orgName', message: 'must not be blank' }]);
    }
    const emails = patch.invoiceEmails
      ? [...new Set(patch.invoiceEmails.map((e) => e.trim().toLowerCase()))]
      : undefined;
    const before = await lockProfile(ctx, workspaceId);
    await updateProfileRow(ctx.tx, workspaceId, {
      ...(orgName ? { orgName } : {}),
      ...(emails ? { invoiceEmails: emails } : {}),
    });
    await ctx.record({
      action: 'billing.details_updated',
      target: { type: 'workspace', id: workspaceId },
      before: { orgName: before.orgName, invoiceEmails: before.invoiceEmails },
      after: { orgName: orgName ?? before.orgName, invoiceEmails: emails ?? before.invoiceEmails },
    });
  },
});
