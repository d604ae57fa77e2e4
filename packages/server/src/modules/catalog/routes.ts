import {
  AREAS,
  areaLevel,
  BUILTIN_PRESET_IDS,
  BUILTIN_PRESETS,
  CATALOG_LABELS,
  isSensitive,
  LEVELS,
  PERMISSIONS,
  permissionsOf,
  SENSITIVE_PERMISSIONS,
} from '@atrium/policy';
import type { FastifyPluginAsync } from 'fastify';
import { type Static, Type } from 'typebox';
import { access } from '../../http/access';
import { StringEnum } from '../check/schema';

const Level = StringEnum(LEVELS);

export const CatalogResponse = Type.Object(
  {
    levels: Type.Array(Level, { description: 'In order: none < read < edit.' }),
    areas: Type.Array(
      Type.Object({
        id: Type.String(),
        label: Type.String(),
        description: Type.String(),
        items: Type.Array(
          Type.Object({
            permission: Type.String({ description: '`area.item`, the name a check asks about.' }),
            id: Type.String(),
            label: Type.String(),
            description: Type.String(),
            sensitive: Type.Boolean({ description: 'Never set by an area setting: granted on its own.' }),
          }),
        ),
      }),
    ),
    sensitive: Type.Array(Type.String()),
    presets: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        description: Type.String(),
        builtin: Type.Boolean(),
        matrix: Type.Record(Type.String(), Level, { description: 'Per item; absent = none.' }),
        areas: Type.Record(Type.String(), Type.Union([Level, Type.Literal('mixed')]), {
          description: 'The area summary of the matrix (`mixed` when its items differ).',
        }),
      }),
    ),
  },
  {
    examples: [
      {
        levels: ['none', 'read', 'edit'],
        areas: [
          {
            id: 'channels',
            label: 'Channels',
            description: 'Where the agent talks: voice and chat.',
            items: [
              {
                permission: 'channels.voice',
                id: 'voice',
                label: 'Voice',
                description: 'Voice configuration.',
                sensitive: false,
              },
            ],
          },
        ],
        sensitive: ['analytics.conversation_pii', 'analytics.call_download'],
        presets: [
          {
            id: 'read_only_reviewer',
            name: 'Read-only reviewer',
            description: 'Reads everything.',
            builtin: true,
            matrix: { 'build.knowledge': 'read' },
            areas: { build: 'read' },
          },
        ],
      },
    ],
  },
);
export type CatalogResponse = Static<typeof CatalogResponse>;

/**
 * The permission catalog as the console and SDK show it (docs/rules.md §2): levels,
 * areas with their items, labels and descriptions, the sensitive items and
 * the built-in presets. Constant data: built once per app.
 */
export function catalogDocument(): CatalogResponse {
  return {
    levels: [...LEVELS],
    areas: AREAS.map((area) => ({
      id: area,
      label: CATALOG_LABELS.areas[area].label,
      description: CATALOG_LABELS.areas[area].description,
      items: permissionsOf(area).map((permission) => ({
        permission,
        id: permission.slice(area.length + 1),
        label: CATALOG_LABELS.items[permission].label,
        description: CATALOG_LABELS.items[permission].description,
        sensitive: isSensitive(permission),
      })),
    })),
    sensitive: [...SENSITIVE_PERMISSIONS],
    presets: BUILTIN_PRESET_IDS.map((id) => {
      const p = BUILTIN_PRESETS[id];
      const matrix: Record<string, (typeof LEVELS)[number]> = {};
      for (const permission of PERMISSIONS) {
        const level = p.matrix[permission];
        if (level && level !== 'none') matrix[permission] = level;
      }
      return {
        id,
        name: p.name,
        description: p.description,
        builtin: true,
        matrix,
        areas: Object.fromEntries(AREAS.map((area) => [area, areaLevel(p.matrix, area)])),
      };
    }),
  };
}

/** `GET /v1/catalog`: public (the catalog is product documentation, not tenant data). */
export const catalogRoutes: FastifyPluginAsync = async (app) => {
  const document = catalogDocument();
  app.get(
    '/v1/catalog',
    {
      config: { access: access.public() },
      schema: {
        tags: ['catalog'],
        summary: 'The permission catalog: areas, items, levels, sensitive items, built-in presets',
        security: [],
        response: { 200: CatalogResponse },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return document;
    },
  );
};
