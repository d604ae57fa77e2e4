/**
 * The permission catalog (docs/rules.md §2): levels, areas, items and their fixed order.
 *
 * Everything here is `const` data so that a typo in a permission name fails to
 * compile (`'build.knowledg'` is not a {@link Permission}).
 *
 * @module
 */

/**
 * The three access levels, ordered: `none` < `read` < `edit`.
 *
 * @example
 * ```ts
 * LEVELS.includes('read'); // true
 * ```
 */
export const LEVELS = ['none', 'read', 'edit'] as const;

/** One access level: `'none' | 'read' | 'edit'`. */
export type Level = (typeof LEVELS)[number];

/** The numeric rank of a level: `none` = 0, `read` = 1, `edit` = 2. */
export type LevelRank = 0 | 1 | 2;

/**
 * The rank of a level (`none` 0, `read` 1, `edit` 2). Anything that is not a
 * level ranks as `none`, so corrupt stored data never grants access.
 *
 * @example
 * ```ts
 * levelRank('edit'); // 2
 * ```
 */
export function levelRank(l: Level): LevelRank {
  return l === 'edit' ? 2 : l === 'read' ? 1 : 0;
}

/**
 * The level of a rank (inverse of {@link levelRank}).
 *
 * @example
 * ```ts
 * levelOfRank(1); // 'read'
 * ```
 */
export function levelOfRank(rank: LevelRank): Level {
  return LEVELS[rank];
}

/**
 * The higher of two levels.
 *
 * @example
 * ```ts
 * maxLevel('read', 'edit'); // 'edit'
 * ```
 */
export function maxLevel(a: Level, b: Level): Level {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/**
 * The lower of two levels.
 *
 * @example
 * ```ts
 * minLevel('read', 'edit'); // 'read'
 * ```
 */
export function minLevel(a: Level, b: Level): Level {
  return levelRank(a) <= levelRank(b) ? a : b;
}

/**
 * Whether `have` satisfies `need` (`edit` implies `read`).
 *
 * @example
 * ```ts
 * atLeast('edit', 'read'); // true
 * atLeast('none', 'read'); // false
 * ```
 */
export function atLeast(have: Level, need: Level): boolean {
  return levelRank(have) >= levelRank(need);
}

/**
 * Type guard for {@link Level}.
 *
 * @example
 * ```ts
 * isLevel('read'); // true
 * isLevel('admin'); // false
 * ```
 */
export function isLevel(x: unknown): x is Level {
  return x === 'none' || x === 'read' || x === 'edit';
}

/**
 * The catalog: the five areas and their items, exactly as docs/rules.md §2, in order.
 * The order is significant: it defines {@link PERMISSIONS} and therefore
 * {@link permissionIndex}.
 */
export const CATALOG = {
  analytics: [
    'smart_analyst',
    'conversations',
    'conversation_pii',
    'call_download',
    'agent_analysis',
    'feedback',
  ],
  build: [
    'agent',
    'knowledge',
    'flows',
    'tools',
    'variants',
    'call_handoffs',
    'sms',
    'realtime_config',
    'config_builder',
    'test_suite',
  ],
  channels: ['voice', 'chat'],
  configure: ['general', 'numbers', 'apis', 'integrations', 'metrics', 'dashboards', 'csat', 'security'],
  deployments: ['environments', 'history'],
} as const;

/** An area of the catalog (`'analytics' | 'build' | …`). */
export type Area = keyof typeof CATALOG;

/** An item id inside a given area (e.g. `ItemOf<'build'>` includes `'knowledge'`). */
export type ItemOf<A extends Area> = (typeof CATALOG)[A][number];

/** A permission name, `area.item` — a union of exactly the catalog's entries. */
export type Permission = { [A in Area]: `${A}.${ItemOf<A>}` }[Area];

/** The areas, in catalog order. */
export const AREAS: readonly Area[] = Object.freeze(Object.keys(CATALOG) as Area[]);

/**
 * Every permission, in catalog order. The position of a permission in this
 * array is its {@link permissionIndex}, used by the compiled index.
 */
export const PERMISSIONS: readonly Permission[] = Object.freeze(
  AREAS.flatMap((area) => CATALOG[area].map((item) => `${area}.${item}` as Permission)),
);

/** The number of permissions in the catalog. */
export const PERMISSION_COUNT: number = PERMISSIONS.length;

/**
 * Items that are never set by an area setting: each is granted on its own
 * (docs/rules.md §2), and they are `none` in every built-in preset.
 */
export const SENSITIVE_PERMISSIONS = ['analytics.conversation_pii', 'analytics.call_download'] as const;

/** One of {@link SENSITIVE_PERMISSIONS}. */
export type SensitivePermission = (typeof SENSITIVE_PERMISSIONS)[number];

// Frozen, computed once from constant data: a lookup table, not a cache.
const PERMISSION_INDEX: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, number>,
    Object.fromEntries(PERMISSIONS.map((p, i) => [p, i])),
  ),
);

const AREA_PERMISSIONS_TABLE: Readonly<Record<Area, readonly Permission[]>> = Object.freeze(
  Object.fromEntries(
    AREAS.map((area) => [area, Object.freeze(PERMISSIONS.filter((p) => p.startsWith(`${area}.`)))]),
  ) as Record<Area, readonly Permission[]>,
);

/**
 * Type guard for {@link Permission}.
 *
 * @example
 * ```ts
 * isPermission('build.knowledge'); // true
 * isPermission('build.knowledg'); // false
 * ```
 */
export function isPermission(x: unknown): x is Permission {
  return typeof x === 'string' && PERMISSION_INDEX[x] !== undefined;
}

/**
 * Type guard for {@link Area}.
 *
 * @example
 * ```ts
 * isArea('build'); // true
 * ```
 */
export function isArea(x: unknown): x is Area {
  return typeof x === 'string' && Object.hasOwn(CATALOG, x);
}

/**
 * The position of a permission in {@link PERMISSIONS} (0-based), or -1 if the
 * argument is not a permission (possible only with unchecked input).
 *
 * @example
 * ```ts
 * permissionIndex('analytics.smart_analyst'); // 0
 * ```
 */
export function permissionIndex(p: Permission): number {
  return PERMISSION_INDEX[p] ?? -1;
}

/**
 * Whether a permission is one of the sensitive items (never set by an area).
 *
 * @example
 * ```ts
 * isSensitive('analytics.conversation_pii'); // true
 * ```
 */
export function isSensitive(p: Permission): p is SensitivePermission {
  return p === 'analytics.conversation_pii' || p === 'analytics.call_download';
}

/**
 * The permissions of one area, in catalog order (sensitive ones included).
 *
 * @example
 * ```ts
 * permissionsOf('channels'); // ['channels.voice', 'channels.chat']
 * ```
 */
export function permissionsOf(area: Area): readonly Permission[] {
  return AREA_PERMISSIONS_TABLE[area];
}

/**
 * The area a permission belongs to.
 *
 * @example
 * ```ts
 * areaOf('build.knowledge'); // 'build'
 * ```
 */
export function areaOf(p: Permission): Area {
  return p.slice(0, p.indexOf('.')) as Area;
}

/** A human label and a one-line description, for the console and `/v1/catalog`. */
export interface CatalogLabel {
  /** Short label shown in the console (e.g. "Knowledge"). */
  readonly label: string;
  /** What the area or item covers. */
  readonly description: string;
}

/**
 * Labels and descriptions for every area and every item (keyed by
 * {@link Permission}), parallel to {@link CATALOG}.
 */
export const CATALOG_LABELS: {
  readonly areas: Readonly<Record<Area, CatalogLabel>>;
  readonly items: Readonly<Record<Permission, CatalogLabel>>;
} = Object.freeze({
  areas: Object.freeze({
    analytics: { label: 'Analytics', description: 'Conversations, analysis and feedback about the agent.' },
    build: {
      label: 'Build',
      description: 'How the agent is built: settings, knowledge, flows, tools and tests.',
    },
    channels: { label: 'Channels', description: 'Where the agent talks: voice and chat.' },
    configure: {
      label: 'Configure',
      description: 'Numbers, APIs, integrations, metrics, dashboards and security.',
    },
    deployments: { label: 'Deployments', description: 'Publishing to environments and project history.' },
  }),
  items: Object.freeze({
    'analytics.smart_analyst': {
      label: 'Smart analyst',
      description: 'Ask questions about conversations in natural language.',
    },
    'analytics.conversations': { label: 'Conversations', description: 'Conversation transcripts.' },
    'analytics.conversation_pii': {
      label: 'Conversation PII',
      description: 'Unmasked personal data in transcripts (sensitive: never set by the area).',
    },
    'analytics.call_download': {
      label: 'Call download',
      description: 'Download call recordings (sensitive: never set by the area).',
    },
    'analytics.agent_analysis': {
      label: 'Agent analysis',
      description: 'Performance analysis of the agent.',
    },
    'analytics.feedback': { label: 'Feedback', description: 'End-user feedback on answers.' },
    'build.agent': { label: 'Agent', description: 'Agent settings and persona.' },
    'build.knowledge': { label: 'Knowledge', description: 'Knowledge base and data sources.' },
    'build.flows': { label: 'Flows', description: 'Conversation flows.' },
    'build.tools': { label: 'Tools', description: 'Tools the agent can call.' },
    'build.variants': { label: 'Variants', description: 'Agent variants.' },
    'build.call_handoffs': { label: 'Call handoffs', description: 'Handing calls over to people.' },
    'build.sms': { label: 'SMS', description: 'SMS behaviour.' },
    'build.realtime_config': {
      label: 'Realtime config',
      description: 'Realtime (voice) model configuration.',
    },
    'build.config_builder': { label: 'Config builder', description: 'The configuration builder.' },
    'build.test_suite': { label: 'Test suite', description: 'Automated tests of the agent.' },
    'channels.voice': { label: 'Voice', description: 'Voice configuration.' },
    'channels.chat': {
      label: 'Chat',
      description:
        'Chat configuration, web widget, sharing/embedding links and their authorized domains, widget branding.',
    },
    'configure.general': { label: 'General', description: 'General settings.' },
    'configure.numbers': { label: 'Numbers', description: 'Phone numbers.' },
    'configure.apis': { label: 'APIs', description: 'API access of the agent.' },
    'configure.integrations': { label: 'Integrations', description: 'Third-party integrations.' },
    'configure.metrics': { label: 'Metrics', description: 'Custom metrics.' },
    'configure.dashboards': { label: 'Dashboards', description: 'Dashboards.' },
    'configure.csat': { label: 'CSAT', description: 'Customer satisfaction surveys.' },
    'configure.security': { label: 'Security', description: 'Security and privacy settings.' },
    'deployments.environments': { label: 'Environments', description: 'Publishing to environments.' },
    'deployments.history': { label: 'History', description: 'Project history.' },
  }),
});
