import { hasCapability } from '@atrium/policy';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { execute } from '../../command/http';
import { access } from '../../http/access';
import { scopeOf } from '../../http/guard';
import { WorkspaceParams } from '../workspaces/schema';
import { createPreset, deletePreset, updatePreset } from './commands';
import { compareVersions, getPreset, listPresets, listVersions, presetUsage } from './queries';
import {
  CompareQuery,
  Comparison,
  CreatePresetBody,
  DeletePresetQuery,
  PresetDeleted,
  PresetList,
  PresetParams,
  PresetView,
  UpdatePresetBody,
  VersionList,
} from './schema';

const tags = ['presets'];

/** What the caller may do with a preset (built-ins are read-only, copyable by admins). */
function canOnPreset(manage: boolean, builtin: boolean) {
  return { edit: manage && !builtin, delete: manage && !builtin, copy: manage };
}

/** Presets: built-ins (read-only) and custom, versioned presets (docs/rules.md §2). */
export const presetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/v1/workspaces/:workspaceId/presets',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: PresetList },
        summary: 'Built-in and custom presets',
        params: WorkspaceParams,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const manage = hasCapability(scope.state, scope.subject, 'workspace.manage');
      const presets = await listPresets(app.db, scope.workspaceId);
      return { presets: presets.map((p) => ({ ...p, can: canOnPreset(manage, p.builtin) })) };
    },
  );

  app.post(
    '/v1/workspaces/:workspaceId/presets',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        response: { 201: PresetView },
        summary: 'Create a custom preset from a matrix or as a copy (copyFrom)',
        params: WorkspaceParams,
        body: CreatePresetBody,
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const { value, revision } = await execute(req, createPreset, {
        ...req.body,
        name: req.body.name.trim(),
      });
      reply.status(201);
      return {
        ...(await getPreset(app.db, scope.workspaceId, value.id)),
        revision: revision ?? scope.state.revision,
      };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/presets/:id',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: PresetView },
        summary: 'One preset, with how many grants link it',
        params: PresetParams,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const preset = await getPreset(app.db, scope.workspaceId, req.params.id);
      const manage = hasCapability(scope.state, scope.subject, 'workspace.manage');
      return {
        ...preset,
        usage: await presetUsage(app.db, scope.workspaceId, preset.id),
        can: canOnPreset(manage, preset.builtin),
      };
    },
  );

  app.patch(
    '/v1/workspaces/:workspaceId/presets/:id',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        response: { 200: PresetView },
        summary: 'Edit a custom preset (a new version; every linked member changes at once)',
        params: PresetParams,
        body: UpdatePresetBody,
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const { value, revision } = await execute(req, updatePreset, { id: req.params.id, patch: req.body });
      return {
        ...(await getPreset(app.db, scope.workspaceId, req.params.id)),
        revision: revision ?? scope.state.revision,
        ...value,
      };
    },
  );

  app.get(
    '/v1/workspaces/:workspaceId/presets/:id/versions',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: VersionList },
        summary: 'Every version of a preset, newest first',
        params: PresetParams,
      },
    },
    async (req) => ({ versions: await listVersions(app.db, scopeOf(req).workspaceId, req.params.id) }),
  );

  app.get(
    '/v1/workspaces/:workspaceId/presets/:id/compare',
    {
      config: { access: access.capability('workspace.read') },
      schema: {
        tags,
        response: { 200: Comparison },
        summary: 'Per-item difference between two versions of a preset',
        params: PresetParams,
        querystring: CompareQuery,
      },
    },
    async (req) =>
      compareVersions(app.db, scopeOf(req).workspaceId, req.params.id, req.query.from, req.query.to),
  );

  app.delete(
    '/v1/workspaces/:workspaceId/presets/:id',
    {
      config: { access: access.capability('workspace.manage') },
      schema: {
        tags,
        response: { 200: PresetDeleted },
        summary: 'Delete a custom preset (409 while in use, unless reassignTo is given)',
        params: PresetParams,
        querystring: DeletePresetQuery,
      },
    },
    async (req) => {
      const { value, revision } = await execute(req, deletePreset, {
        id: req.params.id,
        reassignTo: req.query.reassignTo,
      });
      return { ...value, revision: revision ?? scopeOf(req).state.revision };
    },
  );
};
