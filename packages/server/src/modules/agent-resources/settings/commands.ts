import { defineCommand } from '../../../command/command';
import { validationFailed } from '../../../errors';
import { workspaceOf } from '../scope';
import { httpsUrlIssue } from '../urls';
import { type AgentSettings, getSettings } from './queries';
import { lockSettingsRow, writeSettingsRow } from './repo';

/** What a settings update may change. */
export interface SettingsPatch {
  persona?: string;
  primaryColor?: string;
  accentColor?: string;
  logoUrl?: string | null;
  retentionDays?: number;
  piiRedaction?: boolean;
}

export type SettingsGroup = 'persona' | 'branding' | 'privacy';

export interface UpdateSettingsInput {
  agentId: string;
  group: SettingsGroup;
  patch: SettingsPatch;
}

function pick(group: SettingsGroup, s: AgentSettings) {
  return group === 'persona'
    ? { persona: s.persona }
    : group === 'branding'
      ? { primaryColor: s.primaryColor, accentColor: s.accentColor, logoUrl: s.logoUrl }
      : { retentionDays: s.retentionDays, piiRedaction: s.piiRedaction };
}

/**
 * Updates one group of an agent's settings (persona, branding or privacy:
 * each route declares its own catalog item), with the activity entry
 * `agent.<group>_updated` carrying before/after. Returns the settings after.
 */
export const updateSettings = defineCommand({
  name: 'agent_settings.update',
  actions: ['agent.persona_updated', 'agent.branding_updated', 'agent.privacy_updated'],
  target: (input: UpdateSettingsInput) => ({ type: 'agent', id: input.agentId }),
  async run(ctx, { agentId, group, patch }: UpdateSettingsInput): Promise<AgentSettings> {
    const workspaceId = workspaceOf(ctx);
    if (patch.logoUrl) {
      const issue = httpsUrlIssue(patch.logoUrl, '/body/logoUrl');
      if (issue) throw validationFailed([issue]);
    }
    await lockSettingsRow(ctx.tx, workspaceId, agentId, ctx.userId);
    const before = await getSettings(ctx.tx, workspaceId, agentId);
    const next = { ...before, ...patch };
    await writeSettingsRow(ctx.tx, workspaceId, agentId, {
      persona: next.persona,
      branding: { primaryColor: next.primaryColor, accentColor: next.accentColor, logoUrl: next.logoUrl },
      retentionDays: next.retentionDays,
      piiRedaction: next.piiRedaction,
      updatedBy: ctx.userId,
    });
    const after = await getSettings(ctx.tx, workspaceId, agentId);
    await ctx.record({
      action: `agent.${group}_updated`,
      target: { type: 'agent', id: agentId },
      agentId,
      before: pick(group, before),
      after: pick(group, after),
    });
    return after;
  },
});
