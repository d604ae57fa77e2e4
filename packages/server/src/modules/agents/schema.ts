import { Type } from 'typebox';
import { CanBlock, GrantFields, MatrixView, Nullable, Revision } from '../workspaces/schema';

export const Plan = Type.Union([Type.Literal('starter'), Type.Literal('pro'), Type.Literal('enterprise')], {
  description: '`starter` is free and approved at once; `pro` and `enterprise` are paid',
});
export const AgentRole = Type.Union([Type.Literal('agent_admin'), Type.Literal('agent_user')]);
export const AgentName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

export const AgentParams = Type.Object({ workspaceId: Type.String(), agentId: Type.String() });
export const AgentMemberParams = Type.Object({
  workspaceId: Type.String(),
  agentId: Type.String(),
  userId: Type.String(),
});

export const CreateAgentBody = Type.Object(
  { name: AgentName, plan: Type.Optional(Plan) },
  { additionalProperties: false },
);
export const UpdateAgentBody = Type.Object(
  { name: Type.Optional(AgentName), plan: Type.Optional(Plan) },
  { additionalProperties: false },
);
export const DeleteAgentBody = Type.Object(
  { confirm: Type.String({ description: "The agent's name, typed to confirm" }) },
  { additionalProperties: false },
);

export const AddAgentMemberBody = Type.Object(
  {
    userId: Type.Optional(Type.String({ description: 'A member of the workspace' })),
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 320,
        description: 'Any address: it is sent an invitation to this agent (accepted, it joins the workspace)',
      }),
    ),
    role: AgentRole,
    ...GrantFields,
  },
  { additionalProperties: false },
);
export const UpdateAgentMemberBody = Type.Object(
  { role: Type.Optional(AgentRole), ...GrantFields },
  { additionalProperties: false },
);

const open = { additionalProperties: true } as const;

export const AgentView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    plan: Nullable(Plan),
    status: Nullable(
      Type.Union([Type.Literal('approved'), Type.Literal('pending_approval'), Type.Literal('rejected')]),
    ),
    myRole: Nullable(AgentRole),
    createdBy: Nullable(Type.String()),
    createdAt: Type.String(),
    memberCount: Type.Integer(),
    can: CanBlock,
    revision: Type.Optional(Revision),
  },
  open,
);
export const AgentList = Type.Object({ agents: Type.Array(AgentView) }, open);
export const AgentMemberView = Type.Object(
  {
    userId: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: AgentRole,
    workspaceRole: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
    matrix: Nullable(MatrixView),
    presetId: Nullable(Type.String()),
    addedAt: Type.String(),
    revision: Type.Optional(Revision),
  },
  open,
);
/** Adding by email: the same answer whether or not the address has an account (docs/security.md). */
export const AgentMemberInvited = Type.Object(
  {
    email: Type.String(),
    status: Type.Union([Type.Literal('invited'), Type.Literal('updated')]),
    invitationId: Type.String(),
  },
  open,
);
export const AgentMemberList = Type.Object({ members: Type.Array(AgentMemberView) }, open);
export const Removed = Type.Object({ removed: Type.Literal(true), revision: Revision }, open);
