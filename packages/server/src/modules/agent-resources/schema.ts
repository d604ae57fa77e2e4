import { Type } from 'typebox';

/** Request and response schemas of the agent resources (issue 7, docs/rules.md §2 catalog). */

export const AgentParams = Type.Object({ workspaceId: Type.String(), agentId: Type.String() });
export const AgentItemParams = Type.Object({
  workspaceId: Type.String(),
  agentId: Type.String(),
  id: Type.String(),
});

const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: '#rrggbb', examples: ['#1f6feb'] });
const Iso = Type.String({ format: 'date-time' });

/** `can.edit`: whether the caller may change this resource (ARCHITECTURE convention 5). */
const Can = Type.Object({ edit: Type.Boolean() });

export const PersonaView = Type.Object({
  agentId: Type.String(),
  persona: Type.String(),
  updatedAt: Type.Union([Iso, Type.Null()]),
  can: Can,
});
export const PersonaBody = Type.Object(
  { persona: Type.String({ maxLength: 20_000, description: 'System persona / instructions of the agent' }) },
  { additionalProperties: false },
);

export const BrandingView = Type.Object({
  agentId: Type.String(),
  primaryColor: Type.String(),
  accentColor: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Iso, Type.Null()]),
  can: Can,
});
export const BrandingBody = Type.Object(
  {
    primaryColor: Type.Optional(Colour),
    accentColor: Type.Optional(Colour),
    logoUrl: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000, description: 'An https:// URL' }), Type.Null()]),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PrivacyView = Type.Object({
  agentId: Type.String(),
  retentionDays: Type.Integer(),
  piiRedaction: Type.Boolean(),
  updatedAt: Type.Union([Iso, Type.Null()]),
  can: Can,
});
export const PrivacyBody = Type.Object(
  {
    retentionDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: 'Transcripts older than this are no longer kept',
      }),
    ),
    piiRedaction: Type.Optional(
      Type.Boolean({ description: 'Mask emails and phone numbers in transcripts before they are stored' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DataSourceKind = Type.Union([Type.Literal('url'), Type.Literal('file'), Type.Literal('text')]);
export const DataSourceView = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  name: Type.String(),
  kind: DataSourceKind,
  location: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  addedBy: Type.Union([
    Type.Object({ id: Type.Union([Type.String(), Type.Null()]), name: Type.String() }),
    Type.Null(),
  ]),
  createdAt: Iso,
});
export const AddDataSourceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: DataSourceKind,
    location: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'The URL (kind url) or file name (kind file)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateDataSourceBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(
      Type.Union(
        [Type.Literal('pending'), Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')],
        {
          description: 'Reported by the agent platform as it indexes the source',
        },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Rating = Type.Union([Type.Literal('up'), Type.Literal('down')]);
export const FeedbackView = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  conversationId: Type.Union([Type.String(), Type.Null()]),
  messageRef: Type.Union([Type.String(), Type.Null()]),
  rating: Rating,
  comment: Type.String(),
  resolved: Type.Boolean(),
  resolutionNote: Type.String(),
  resolvedAt: Type.Union([Iso, Type.Null()]),
  createdAt: Iso,
});
export const CreateFeedbackBody = Type.Object(
  {
    rating: Rating,
    comment: Type.Optional(Type.String({ maxLength: 5000 })),
    conversationId: Type.Optional(Type.String({ description: 'An Atrium conversation id of this agent' })),
    messageRef: Type.Optional(
      Type.String({ maxLength: 200, description: "The platform's id of the rated answer" }),
    ),
  },
  { additionalProperties: false },
);
export const UpdateFeedbackBody = Type.Object(
  {
    resolved: Type.Optional(Type.Boolean()),
    resolutionNote: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const ListFeedbackQuery = Type.Object(
  {
    resolved: Type.Optional(Type.Boolean()),
    rating: Type.Optional(Rating),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const Channel = Type.Union([
  Type.Literal('chat'),
  Type.Literal('voice'),
  Type.Literal('sms'),
  Type.Literal('api'),
]);
export const MessageSchema = Type.Object(
  {
    role: Type.Union([Type.Literal('user'), Type.Literal('agent')]),
    text: Type.String({ maxLength: 20_000 }),
    at: Type.Optional(Iso),
  },
  { additionalProperties: false },
);
export const IngestConversationBody = Type.Object(
  {
    externalId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "The platform's conversation id; ingesting it again replaces the transcript",
    }),
    channel: Type.Optional(Channel),
    endUser: Type.Optional(Type.String({ maxLength: 320 })),
    startedAt: Iso,
    endedAt: Type.Optional(Iso),
    messages: Type.Array(MessageSchema, { minItems: 1, maxItems: 2000 }),
    recordingUrl: Type.Optional(Type.String({ maxLength: 2000, description: 'An https:// URL' })),
  },
  { additionalProperties: false },
);
export const ConversationSummary = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  externalId: Type.String(),
  channel: Channel,
  endUser: Type.Union([Type.String(), Type.Null()]),
  startedAt: Iso,
  endedAt: Type.Union([Iso, Type.Null()]),
  messageCount: Type.Integer(),
  preview: Type.String(),
  hasRecording: Type.Boolean(),
  masked: Type.Boolean({
    description: 'Emails and phone numbers are masked (no read on analytics.conversation_pii)',
  }),
});
export const ConversationView = Type.Object({
  ...ConversationSummary.properties,
  messages: Type.Array(MessageSchema),
  recordingUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'Only with read on analytics.call_download',
  }),
});
export const ListConversationsQuery = Type.Object(
  {
    before: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only conversations started before' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const ShareLinkView = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  name: Type.String(),
  url: Type.String(),
  authorizedDomains: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Iso,
  updatedAt: Iso,
});
const Domains = Type.Array(
  Type.String({ minLength: 1, maxLength: 253, description: 'A host name, optionally `*.`-prefixed' }),
  { maxItems: 50 },
);
export const CreateShareLinkBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), authorizedDomains: Type.Optional(Domains) },
  { additionalProperties: false },
);
export const UpdateShareLinkBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    authorizedDomains: Type.Optional(Domains),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const EmbedView = Type.Object({
  shareLinkId: Type.String(),
  url: Type.String(),
  authorizedDomains: Type.Array(Type.String()),
  snippet: Type.String({ description: 'HTML to paste into a page of an authorized domain' }),
});

export const WidgetParams = Type.Object({ slug: Type.String({ maxLength: 64 }) });
export const WidgetView = Type.Object({
  agentName: Type.String(),
  linkName: Type.String(),
  primaryColor: Type.String(),
  accentColor: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
});
