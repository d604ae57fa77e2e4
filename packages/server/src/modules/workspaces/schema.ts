import { Type } from 'typebox';

/** Path parameter of every workspace route. */
export const WorkspaceParams = Type.Object({ workspaceId: Type.String() });

export const WorkspaceName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

export const CreateWorkspaceBody = Type.Object({ name: WorkspaceName }, { additionalProperties: false });

export const RenameWorkspaceBody = Type.Object({ name: WorkspaceName }, { additionalProperties: false });

export const DeleteWorkspaceBody = Type.Object(
  { confirm: Type.String({ description: 'The exact workspace name' }) },
  { additionalProperties: false },
);

/** A grant in a request body: a matrix (areas and/or items → level) or a preset id. */
export const MatrixBody = Type.Record(Type.String(), Type.String(), {
  description:
    'Areas (`build`) and/or items (`build.knowledge`) mapped to `none`, `read` or `edit`; areas apply first, then items',
  examples: [{ build: 'read', 'build.knowledge': 'edit' }],
});

export const GrantFields = {
  matrix: Type.Optional(Type.Union([MatrixBody, Type.Null()])),
  presetId: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
      description: 'A built-in preset id (e.g. `builder`) or a custom preset id; links instead of copying',
    }),
  ),
};

export const WorkspaceView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
  revision: Type.Integer(),
  createdAt: Type.String(),
  can: Type.Record(Type.String(), Type.Boolean()),
});

/*
 * Response shapes, for the OpenAPI document. Objects allow additional
 * properties so a field added to a presenter is never silently dropped by
 * the serializer; the listed ones are the documented contract.
 */
const open = { additionalProperties: true } as const;
export const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const LevelName = Type.Union([Type.Literal('none'), Type.Literal('read'), Type.Literal('edit')]);
export const MatrixView = Type.Record(Type.String(), LevelName, {
  description: 'Per-item levels (`area.item` → `read`/`edit`; absent = none)',
});
export const CanBlock = Type.Record(Type.String(), Type.Boolean(), {
  description: 'What the caller may do with this resource (ARCHITECTURE convention 5)',
});
export const Revision = Type.Integer({
  description: 'The workspace revision after this write: pass it as atLeastRevision to /v1/check',
});

export const WorkspaceDetail = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
    revision: Type.Integer(),
    createdAt: Type.String(),
    memberCount: Type.Optional(Type.Integer()),
    agentCount: Type.Optional(Type.Integer()),
    can: CanBlock,
  },
  open,
);
export const Deleted = Type.Object({ deleted: Type.Literal(true), revision: Revision }, open);
