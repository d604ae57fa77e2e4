import { Type } from 'typebox';

/** Help-center ticket schemas (docs/rules.md §4 "Help center"). */

export const TicketStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('pending'),
  Type.Literal('closed'),
]);
export const WorkspaceParams = Type.Object({ workspaceId: Type.String() });
export const TicketParams = Type.Object({ workspaceId: Type.String(), id: Type.String() });

const Iso = Type.String({ format: 'date-time' });
const Person = Type.Object({ id: Type.Union([Type.String(), Type.Null()]), name: Type.String() });

export const CommentView = Type.Object({
  id: Type.String(),
  author: Person,
  body: Type.String(),
  createdAt: Iso,
});

export const TicketSummary = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  status: TicketStatus,
  agentId: Type.Union([Type.String(), Type.Null()]),
  createdBy: Person,
  createdAt: Iso,
  updatedAt: Iso,
  commentCount: Type.Integer(),
});
export const TicketView = Type.Object({
  ...TicketSummary.properties,
  body: Type.String(),
  comments: Type.Array(CommentView),
});

export const CreateTicketBody = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
    agentId: Type.Optional(
      Type.String({ description: 'The agent the ticket is about (one you have access to)' }),
    ),
  },
  { additionalProperties: false },
);
export const UpdateTicketBody = Type.Object(
  {
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(TicketStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const CommentBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 20_000 }) },
  { additionalProperties: false },
);
export const ListTicketsQuery = Type.Object(
  {
    status: Type.Optional(TicketStatus),
    mine: Type.Optional(
      Type.Boolean({ description: 'Only your own tickets (admins see everyone’s by default)' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
