import { Type } from 'typebox';
import { GrantFields } from '../workspaces/schema';

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
