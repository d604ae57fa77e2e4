import { LEVELS, type Level, PERMISSIONS, type Permission } from '@atrium/policy';
import { type Static, Type } from 'typebox';

/**
 * Request and response schemas of the check module (`/v1/check`,
 * `/v1/check/batch`, effective access, who has access). Permission names and
 * levels are enums over the catalog, so an unknown name is a 400 that names
 * the field and lists the valid values (docs/rules.md §2).
 */

const EXAMPLE_WS = '3f0c9a52-1b7e-4c1e-9a55-0d4a6b1f2e10';
const EXAMPLE_AGENT = '7b1e2d44-9c3a-4f5e-8d21-6a0b9c8e7f31';
const EXAMPLE_USER = 'c2a4e6f8-1357-4b9d-8e0f-2468ace01357';

/** A string enum as one JSON Schema `enum` (clear errors listing the valid values; precise TS type). */
export function StringEnum<const T extends string>(
  values: readonly T[],
  options: Record<string, unknown> = {},
) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

export const Uuid = Type.String({ format: 'uuid', examples: [EXAMPLE_WS] });

export const PermissionName = StringEnum<Permission>(PERMISSIONS, {
  description: 'A catalog permission, `area.item` (see GET /v1/catalog).',
  examples: ['build.knowledge'],
});

export const LevelName = StringEnum<Level>(LEVELS, { description: 'none < read < edit', examples: ['edit'] });

export const CheckSubject = Type.Union(
  [
    Type.Object({ userId: Uuid }, { additionalProperties: false }),
    Type.Object({ apiKeyId: Uuid }, { additionalProperties: false }),
  ],
  { description: 'Whose access: a user (member) or an API key of the workspace.' },
);

export const CheckRequest = Type.Object(
  {
    workspaceId: Uuid,
    agentId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: 'The agent the question is about; absent or null = a workspace-wide question.',
      }),
    ),
    subject: CheckSubject,
    permission: PermissionName,
    level: LevelName,
    atLeastRevision: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Answer only from access state at least this new (the `revision` a write returned): the zookie of docs/rules.md §3.',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        workspaceId: EXAMPLE_WS,
        agentId: EXAMPLE_AGENT,
        subject: { userId: EXAMPLE_USER },
        permission: 'build.knowledge',
        level: 'edit',
      },
    ],
  },
);
export type CheckRequest = Static<typeof CheckRequest>;

export const CheckResult = Type.Object(
  {
    allowed: Type.Boolean({ description: 'Whether the subject has at least the level asked for.' }),
    level: LevelName,
    revision: Type.Integer({
      description: 'The workspace revision the answer was made from (0 for an item the caller may not see).',
    }),
  },
  { examples: [{ allowed: true, level: 'edit', revision: 42 }] },
);
export type CheckResult = Static<typeof CheckResult>;

/** Most checks in one batch request. */
export const MAX_BATCH = 1000;

const AgentIdField = Type.Union([Uuid, Type.Null()], {
  description: 'The agent the question is about; absent or null = a workspace-wide question.',
});
const AtLeastRevisionField = Type.Integer({
  minimum: 0,
  description: 'Answer only from access state at least this new (the `revision` an access write returned).',
});

/** One check of a batch: any of workspaceId, agentId, subject, atLeastRevision may come from the batch's defaults. */
export const BatchCheck = Type.Object(
  {
    workspaceId: Type.Optional(Uuid),
    agentId: Type.Optional(AgentIdField),
    subject: Type.Optional(CheckSubject),
    permission: PermissionName,
    level: LevelName,
    atLeastRevision: Type.Optional(AtLeastRevisionField),
  },
  { additionalProperties: false },
);
export type BatchCheck = Static<typeof BatchCheck>;

export const CheckBatchRequest = Type.Object(
  {
    workspaceId: Type.Optional(
      Type.Unsafe<string>({ ...Uuid, description: 'Default workspace of every check.' }),
    ),
    agentId: Type.Optional(AgentIdField),
    subject: Type.Optional(CheckSubject),
    atLeastRevision: Type.Optional(AtLeastRevisionField),
    checks: Type.Array(BatchCheck, {
      minItems: 1,
      maxItems: MAX_BATCH,
      description:
        'Up to 1,000 checks. A check without `workspaceId`, `agentId`, `subject` or `atLeastRevision` takes the batch’s (top-level) value; `workspaceId` and `subject` are required one way or the other.',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        checks: [
          {
            workspaceId: EXAMPLE_WS,
            agentId: EXAMPLE_AGENT,
            subject: { userId: EXAMPLE_USER },
            permission: 'build.knowledge',
            level: 'edit',
          },
          {
            workspaceId: EXAMPLE_WS,
            subject: { userId: EXAMPLE_USER },
            permission: 'deployments.environments',
            level: 'read',
          },
        ],
      },
      {
        workspaceId: EXAMPLE_WS,
        agentId: EXAMPLE_AGENT,
        subject: { userId: EXAMPLE_USER },
        checks: [
          { permission: 'build.knowledge', level: 'edit' },
          { permission: 'build.flows', level: 'read' },
          { permission: 'deployments.environments', level: 'edit' },
        ],
      },
    ],
  },
);
export type CheckBatchRequest = Static<typeof CheckBatchRequest>;

export const CheckBatchResponse = Type.Object(
  { results: Type.Array(CheckResult, { description: 'One answer per check, in request order.' }) },
  {
    examples: [
      {
        results: [
          { allowed: true, level: 'edit', revision: 42 },
          { allowed: false, level: 'none', revision: 42 },
        ],
      },
    ],
  },
);

export const GrantContribution = Type.Object({
  source: StringEnum([
    'workspace_role_admin',
    'workspace_matrix',
    'workspace_preset',
    'agent_matrix',
    'agent_preset',
    'agent_admin',
    'api_key_matrix',
    'api_key_preset',
  ] as const),
  level: LevelName,
  presetId: Type.Optional(Type.String()),
  agentId: Type.Optional(Type.String()),
});

export const Explanation = Type.Object(
  {
    level: LevelName,
    uncapped: LevelName,
    grants: Type.Array(GrantContribution, {
      description: 'Every grant that applies and the level it gives.',
    }),
    cap: Type.Union([
      Type.Object({
        permission: PermissionName,
        maxLevel: LevelName,
        agentId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        source: Type.String({ description: '`policy:<name>` or `cap:<id>`' }),
      }),
      Type.Null(),
    ]),
    reason: Type.Union(
      [
        StringEnum([
          'not_member',
          'unknown_agent',
          'no_agent_access',
          'unknown_api_key',
          'api_key_scope',
        ] as const),
        Type.Null(),
      ],
      { description: 'Why the answer is none regardless of grants, if it is.' },
    ),
  },
  {
    examples: [
      {
        level: 'read',
        uncapped: 'edit',
        grants: [
          { source: 'workspace_preset', presetId: 'read_only_reviewer', level: 'read' },
          { source: 'agent_matrix', agentId: EXAMPLE_AGENT, level: 'edit' },
        ],
        cap: {
          permission: 'channels.chat',
          maxLevel: 'read',
          agentId: null,
          source: 'policy:embedding_disabled',
        },
        reason: null,
      },
    ],
  },
);

const AreaLevel = Type.Union([LevelName, Type.Literal('mixed')]);

export const EffectiveParams = Type.Object({ workspaceId: Uuid, userId: Uuid });
export type EffectiveParams = Static<typeof EffectiveParams>;
export const EffectiveQuery = Type.Object({ agentId: Type.Optional(Uuid) }, { additionalProperties: false });
export type EffectiveQuery = Static<typeof EffectiveQuery>;

const EXAMPLE_EXPLANATION = {
  level: 'edit',
  uncapped: 'edit',
  grants: [
    { source: 'workspace_preset', presetId: 'read_only_reviewer', level: 'read' },
    { source: 'agent_matrix', agentId: EXAMPLE_AGENT, level: 'edit' },
  ],
  cap: null,
  reason: null,
};

export const EffectiveResponse = Type.Object(
  {
    workspaceId: Type.String(),
    userId: Type.String(),
    agentId: Type.Union([Type.String(), Type.Null()]),
    revision: Type.Integer(),
    areas: Type.Array(
      Type.Object({
        area: Type.String({ examples: ['build'] }),
        label: Type.String(),
        level: Type.Union([AreaLevel], {
          description: 'The area summary: its items’ common level, or `mixed` (sensitive items excluded).',
        }),
        items: Type.Array(
          Type.Object({
            permission: PermissionName,
            label: Type.String(),
            sensitive: Type.Boolean(),
            level: LevelName,
            explanation: Explanation,
          }),
        ),
      }),
    ),
  },
  {
    examples: [
      {
        workspaceId: EXAMPLE_WS,
        userId: EXAMPLE_USER,
        agentId: EXAMPLE_AGENT,
        revision: 42,
        areas: [
          {
            area: 'build',
            label: 'Build',
            level: 'mixed',
            items: [
              {
                permission: 'build.knowledge',
                label: 'Knowledge',
                sensitive: false,
                level: 'edit',
                explanation: EXAMPLE_EXPLANATION,
              },
            ],
          },
        ],
      },
    ],
  },
);

export const WhoHasAccessParams = Type.Object({ workspaceId: Uuid });
export type WhoHasAccessParams = Static<typeof WhoHasAccessParams>;
export const WhoHasAccessQuery = Type.Object(
  {
    permission: PermissionName,
    level: Type.Optional(LevelName),
    agentId: Type.Optional(Uuid),
    cursor: Type.Optional(
      Type.String({ maxLength: 200, description: 'From the previous page’s `nextCursor`.' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type WhoHasAccessQuery = Static<typeof WhoHasAccessQuery>;

export const AccessPrincipal = Type.Union([
  Type.Object({
    type: Type.Literal('user'),
    userId: Type.String(),
    name: Type.String(),
    email: Type.String(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
  }),
  Type.Object({
    type: Type.Literal('api_key'),
    apiKeyId: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
  }),
]);

export const WhoHasAccessResponse = Type.Object(
  {
    permission: PermissionName,
    level: LevelName,
    agentId: Type.Union([Type.String(), Type.Null()]),
    revision: Type.Integer(),
    items: Type.Array(
      Type.Object({ principal: AccessPrincipal, level: LevelName, explanation: Explanation }),
    ),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  {
    examples: [
      {
        permission: 'build.knowledge',
        level: 'edit',
        agentId: EXAMPLE_AGENT,
        revision: 42,
        items: [
          {
            principal: {
              type: 'user',
              userId: EXAMPLE_USER,
              name: 'Alice Martin',
              email: 'alice@example.com',
              role: 'member',
            },
            level: 'edit',
            explanation: EXAMPLE_EXPLANATION,
          },
        ],
        nextCursor: null,
      },
    ],
  },
);
export type WhoHasAccessResponse = Static<typeof WhoHasAccessResponse>;
