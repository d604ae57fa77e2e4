import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { execute } from '../../../command/http';
import { access } from '../../../http/access';
import {
  AgentParams,
  BrandingBody,
  BrandingView,
  PersonaBody,
  PersonaView,
  PrivacyBody,
  PrivacyView,
} from '../schema';
import { agentOf, BASE, canEdit, RESOURCE_PERMISSIONS as P } from '../scope';
import { type SettingsGroup, type SettingsPatch, updateSettings } from './commands';
import { brandingView, getSettings, personaView, privacyView } from './queries';

const tags = ['agent settings'];

/** An agent's persona, widget branding and privacy settings (docs/rules.md §2). */
export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function update(req: FastifyRequest, group: SettingsGroup, patch: SettingsPatch) {
    const { agentId } = agentOf(req);
    const { value } = await execute(req, updateSettings, { agentId, group, patch });
    return value;
  }

  app.get(
    `${BASE}/settings/persona`,
    {
      config: { access: access.permission(P.persona, 'read') },
      schema: { tags, summary: "The agent's persona", params: AgentParams, response: { 200: PersonaView } },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return personaView(agentId, await getSettings(app.db, workspaceId, agentId), canEdit(req, P.persona));
    },
  );
  app.patch(
    `${BASE}/settings/persona`,
    {
      config: { access: access.permission(P.persona, 'edit') },
      schema: {
        tags,
        summary: "Change the agent's persona",
        params: AgentParams,
        body: PersonaBody,
        response: { 200: PersonaView },
      },
    },
    async (req) => {
      const s = await update(req, 'persona', req.body);
      return personaView(agentOf(req).agentId, s, canEdit(req, P.persona));
    },
  );

  app.get(
    `${BASE}/settings/branding`,
    {
      config: { access: access.permission(P.branding, 'read') },
      schema: {
        tags,
        summary: "The web widget's branding",
        params: AgentParams,
        response: { 200: BrandingView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return brandingView(agentId, await getSettings(app.db, workspaceId, agentId), canEdit(req, P.branding));
    },
  );
  app.patch(
    `${BASE}/settings/branding`,
    {
      config: { access: access.permission(P.branding, 'edit') },
      schema: {
        tags,
        summary: "Change the web widget's colours or logo",
        params: AgentParams,
        body: BrandingBody,
        response: { 200: BrandingView },
      },
    },
    async (req) => {
      const s = await update(req, 'branding', req.body);
      return brandingView(agentOf(req).agentId, s, canEdit(req, P.branding));
    },
  );

  app.get(
    `${BASE}/settings/privacy`,
    {
      config: { access: access.permission(P.privacy, 'read') },
      schema: {
        tags,
        summary: 'Transcript retention and PII redaction',
        params: AgentParams,
        response: { 200: PrivacyView },
      },
    },
    async (req) => {
      const { workspaceId, agentId } = agentOf(req);
      return privacyView(agentId, await getSettings(app.db, workspaceId, agentId), canEdit(req, P.privacy));
    },
  );
  app.patch(
    `${BASE}/settings/privacy`,
    {
      // security_enforced caps configure.security to read for non-admins (docs/rules.md §3): they see, not change.
      config: { access: access.permission(P.privacy, 'edit') },
      schema: {
        tags,
        summary: 'Change transcript retention or PII redaction',
        params: AgentParams,
        body: PrivacyBody,
        response: { 200: PrivacyView },
      },
    },
    async (req) => {
      const s = await update(req, 'privacy', req.body);
      return privacyView(agentOf(req).agentId, s, canEdit(req, P.privacy));
    },
  );
};
