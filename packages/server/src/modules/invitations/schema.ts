import { Type } from 'typebox';
import { GrantFields, MatrixView, Nullable, Revision } from '../workspaces/schema';

export const InvitationParams = Type.Object({ workspaceId: Type.String(), id: Type.String() });

export const InviteBody = Type.Object(
  {
    emails: Type.Array(Type.String({ maxLength: 320 }), {
      minItems: 1,
      maxItems: 100,
      description: 'Up to 100 addresses; each gets its own result',
    }),
    role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('member')], { default: undefined })),
    agentAccess: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('assigned')])),
    ...GrantFields,
    agents: Type.Optional(
      Type.Array(
        Type.Object(
          {
            agentId: Type.String(),
            role: Type.Union([Type.Literal('agent_admin'), Type.Literal('agent_user')]),
            ...GrantFields,
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 50,
          description:
            'Invite to these agents (with an agent role and grant each) instead of the whole workspace',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ListInvitationsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(
        [
          Type.Literal('pending'),
          Type.Literal('accepted'),
          Type.Literal('revoked'),
          Type.Literal('expired'),
          Type.Literal('all'),
        ],
        { default: 'pending' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AcceptBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    name: Type.Optional(
      Type.String({ maxLength: 200, description: 'With password: create the account and join' }),
    ),
    password: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const LookupQuery = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

const open = { additionalProperties: true } as const;
const InvitationAgent = Type.Object(
  {
    agentId: Type.String(),
    role: Type.Union([Type.Literal('agent_admin'), Type.Literal('agent_user')]),
    matrix: Nullable(MatrixView),
    presetId: Nullable(Type.String()),
  },
  open,
);
export const InviteResponse = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          email: Type.String(),
          status: Type.Union([
            Type.Literal('invited'),
            Type.Literal('updated'),
            Type.Literal('already_member'),
            Type.Literal('invalid'),
            Type.Literal('duplicate'),
          ]),
          invitationId: Type.Optional(Type.String()),
          error: Type.Optional(Type.String()),
        },
        open,
      ),
    ),
    revision: Revision,
  },
  open,
);
export const InvitationView = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
    agentAccess: Type.Union([Type.Literal('all'), Type.Literal('assigned')]),
    matrix: Nullable(MatrixView),
    presetId: Nullable(Type.String()),
    agents: Type.Array(InvitationAgent),
    target: Type.Union([Type.Literal('workspace'), Type.Literal('agents')]),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('accepted'),
      Type.Literal('revoked'),
      Type.Literal('expired'),
    ]),
    invitedBy: Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) })),
    expiresAt: Type.String(),
    sentCount: Type.Integer(),
    acceptedAt: Nullable(Type.String()),
    revokedAt: Nullable(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    can: Type.Object({ resend: Type.Boolean(), revoke: Type.Boolean() }),
  },
  open,
);
export const InvitationList = Type.Object({ invitations: Type.Array(InvitationView) }, open);
export const Revoked = Type.Object({ id: Type.String(), status: Type.Literal('revoked') }, open);
export const LookupView = Type.Object(
  {
    workspace: Type.Object({ name: Type.String() }),
    inviter: Nullable(Type.Object({ name: Type.String() })),
    email: Type.String(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
    agents: Type.Array(Type.String()),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('accepted'),
      Type.Literal('revoked'),
      Type.Literal('expired'),
    ]),
    expiresAt: Type.String(),
    accountExists: Type.Boolean(),
  },
  open,
);
export const AcceptView = Type.Object(
  {
    workspaceId: Type.String(),
    workspaceName: Type.String(),
    userId: Type.String(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
    agents: Type.Array(
      Type.Object({
        agentId: Type.String(),
        role: Type.Union([Type.Literal('agent_admin'), Type.Literal('agent_user')]),
      }),
    ),
    revision: Revision,
    csrfToken: Type.Optional(
      Type.String({ description: 'Set when the account was created here (with the session cookie)' }),
    ),
  },
  open,
);

export const MyInvitationList = Type.Object(
  {
    invitations: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          workspace: Type.Object({ id: Type.String(), name: Type.String() }),
          inviter: Nullable(Type.Object({ name: Type.String() })),
          role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
          agents: Type.Array(Type.String()),
          expiresAt: Type.String(),
        },
        open,
      ),
    ),
  },
  open,
);
