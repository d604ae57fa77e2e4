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
