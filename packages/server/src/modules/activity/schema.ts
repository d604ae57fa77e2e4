import { Type } from 'typebox';

/** Request and response schemas of the activity routes (validated by Fastify, documented in OpenAPI). */

export const WorkspaceParams = Type.Object({ workspaceId: Type.String() });

const ACTION_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*(\\.\\*)?$';

/** The filters shared by search and export (docs/rules.md §5: actor, action, target, agent, time). */
const filterProperties = {
  actor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Actor id: a user id or an API key id' }),
  ),
  actorType: Type.Optional(Type.Enum(['user', 'api_key', 'system'])),
  action: Type.Optional(
    Type.String({
      maxLength: 120,
      pattern: ACTION_PATTERN,
      description: 'Exact action (`member.role_changed`) or a prefix (`member.*`)',
    }),
  ),
  targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  agentId: Type.Optional(Type.String({ format: 'uuid' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive lower bound (ISO 8601)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive upper bound (ISO 8601)' })),
};

export const ActivityQuery = Type.Object(
  {
    ...filterProperties,
    cursor: Type.Optional(
      Type.String({ maxLength: 100, description: 'The `nextCursor` of the previous page' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

export const ExportQuery = Type.Object(
  { ...filterProperties, format: Type.Enum(['csv', 'jsonl'], { default: 'csv' }) },
  { additionalProperties: false },
);

export const MeActivityQuery = Type.Object(
  {
    action: filterProperties.action,
    from: filterProperties.from,
    to: filterProperties.to,
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const ActivityItem = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  workspaceId: NullableString,
  createdAt: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    type: Type.Enum(['user', 'api_key', 'system']),
    id: NullableString,
    name: NullableString,
  }),
  action: Type.String(),
  target: Type.Union([Type.Object({ type: Type.String(), id: NullableString }), Type.Null()]),
  agentId: NullableString,
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: NullableString,
  userAgent: NullableString,
  requestId: NullableString,
  hash: Type.String(),
});

export const ActivityPage = Type.Object({
  items: Type.Array(ActivityItem),
  nextCursor: NullableString,
});

export const VerifyResponse = Type.Object({
  workspaceId: NullableString,
  intact: Type.Boolean(),
  checked: Type.Integer(),
  firstSeq: Type.Union([Type.Integer(), Type.Null()]),
  lastSeq: Type.Union([Type.Integer(), Type.Null()]),
  lastHash: NullableString,
  checkpoint: Type.Union([
    Type.Object({
      seq: Type.Integer(),
      hash: Type.String(),
      purgedCount: Type.Integer(),
      createdAt: Type.String(),
    }),
    Type.Null(),
  ]),
  firstBad: Type.Union([
    Type.Object({
      seq: Type.Integer(),
      id: NullableString,
      reason: Type.Enum([
        'hash_mismatch',
        'broken_link',
        'gap',
        'checkpoint_unattested',
        'seal_mismatch',
        'truncated',
        'seal_forged',
        'head_mismatch',
      ]),
      detail: Type.String(),
    }),
    Type.Null(),
  ]),
  seals: Type.Object({
    count: Type.Integer(),
    verified: Type.Integer(),
    unverifiable: Type.Integer(),
    lastSeq: Type.Union([Type.Integer(), Type.Null()]),
    lastSealedAt: NullableString,
  }),
});

/** `GET /v1/audit/seal-key`: the public half of the key that signs the chains' seals. */
export const SealKeyResponse = Type.Object({
  algorithm: Type.Literal('Ed25519'),
  keyId: Type.String({ description: 'First 16 hex characters of SHA-256 over the raw public key' }),
  publicKey: Type.String({ description: 'The raw 32-byte public key, base64' }),
  pem: Type.String({ description: 'The public key as SPKI PEM' }),
});

export const RetentionBody = Type.Object(
  {
    // One schema with `type: [integer, null]` rather than anyOf: with type
    // coercion on, anyOf would turn 0 into null (keep forever) instead of refusing it.
    retentionDays: Type.Unsafe<number | null>({
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 36500,
      description: 'Days to keep entries (1 to 36500); null keeps them forever',
    }),
  },
  { additionalProperties: false },
);

export const RetentionResponse = Type.Object({ retentionDays: Type.Union([Type.Integer(), Type.Null()]) });

export const PurgeResponse = Type.Object({
  workspaceId: Type.String(),
  retentionDays: Type.Union([Type.Integer(), Type.Null()]),
  purged: Type.Integer(),
  cutoff: NullableString,
  checkpoint: Type.Union([Type.Object({ seq: Type.Integer(), hash: Type.String() }), Type.Null()]),
});
