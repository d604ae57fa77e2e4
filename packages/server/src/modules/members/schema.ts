import { Type } from 'typebox';
import { GrantFields, MatrixView, Nullable, Revision } from '../workspaces/schema';

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('member')]);
export const AgentAccess = Type.Union([Type.Literal('all'), Type.Literal('assigned')]);

export const MemberParams = Type.Object({ workspaceId: Type.String(), userId: Type.String() });

export const ListMembersQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in name and email' })),
    role: Type.Optional(Role),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const UpdateMemberBody = Type.Object(
  {
    role: Type.Optional(Role),
    confirmReset: Type.Optional(
      Type.Boolean({
        description: "Required (true) with a role change: the member's agent permissions are reset",
      }),
    ),
    agentAccess: Type.Optional(AgentAccess),
    ...GrantFields,
  },
  { additionalProperties: false },
);

export const BulkPermissionsBody = Type.Object(
  {
    userIds: Type.Array(Type.String(), { minItems: 1, maxItems: 100 }),
    mode: Type.Union([Type.Literal('replace'), Type.Literal('merge')], {
      description:
        '`replace`: the matrix (or preset) becomes the grant; `merge`: only the items named change',
    }),
    ...GrantFields,
  },
  { additionalProperties: false },
);

export const ConfirmBody = Type.Object(
  { confirm: Type.String({ description: "The member's email, typed to confirm" }) },
  { additionalProperties: false },
);

const open = { additionalProperties: true } as const;

export const MemberView = Type.Object(
  {
    userId: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Role,
    agentAccess: AgentAccess,
    matrix: Nullable(MatrixView),
    presetId: Nullable(Type.String()),
    agents: Type.Array(
      Type.Object({
        agentId: Type.String(),
        name: Type.String(),
        role: Type.Union([Type.Literal('agent_admin'), Type.Literal('agent_user')]),
      }),
    ),
    lastActivityAt: Nullable(Type.String()),
    joinedAt: Type.String(),
    can: Type.Object({ edit: Type.Boolean(), changeRole: Type.Boolean(), remove: Type.Boolean() }),
    revision: Type.Optional(Revision),
  },
  open,
);
export const MemberPage = Type.Object(
  { members: Type.Array(MemberView), nextCursor: Nullable(Type.String()) },
  open,
);
export const BulkResult = Type.Object(
  {
    mode: Type.Union([Type.Literal('replace'), Type.Literal('merge')]),
    updated: Type.Array(Type.Object({ userId: Type.String(), changes: Type.Array(Type.String()) })),
    revision: Revision,
  },
  open,
);
export const Removed = Type.Object({ removed: Type.Literal(true), revision: Revision }, open);
export const Left = Type.Object({ left: Type.Literal(true), revision: Revision }, open);
