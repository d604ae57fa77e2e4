import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { isoOrNull } from '../../../http/present';
import { findSettingsRow, type SettingsRow } from './repo';

/** Defaults of an agent's settings before anyone saved them. */
export const DEFAULT_SETTINGS = {
  persona: '',
  primaryColor: '#1f6feb',
  accentColor: '#ffffff',
  logoUrl: null as string | null,
  retentionDays: 90,
  piiRedaction: false,
};

function present(row: SettingsRow | undefined) {
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
    updatedAt: isoOrNull(row?.updated_at),
  };
}

/** The settings of an agent, or the defaults (any handle: a command passes its transaction). */
export async function getSettings(db: Kysely<DB>, workspaceId: string, agentId: string) {
  return present(await findSettingsRow(db, workspaceId, agentId));
}

export type AgentSettings = Awaited<ReturnType<typeof getSettings>>;

type Can = { edit: boolean };

export function personaView(agentId: string, s: AgentSettings, can: Can) {
  return { agentId, persona: s.persona, updatedAt: s.updatedAt, can };
}

export function brandingView(agentId: string, s: AgentSettings, can: Can) {
  return {
    agentId,
    primaryColor: s.primaryColor,
    accentColor: s.accentColor,
    logoUrl: s.logoUrl,
    updatedAt: s.updatedAt,
    can,
  };
}

export function privacyView(agentId: string, s: AgentSettings, can: Can) {
  return {
    agentId,
    retentionDays: s.retentionDays,
    piiRedaction: s.piiRedaction,
    updatedAt: s.updatedAt,
    can,
  };
}
