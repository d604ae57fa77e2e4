import { Type } from 'typebox';
import { LevelName, MatrixBody, MatrixView, Nullable, Revision } from '../workspaces/schema';

export const PresetParams = Type.Object({ workspaceId: Type.String(), id: Type.String() });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Description = Type.String({ maxLength: 1000 });

export const CreatePresetBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    matrix: Type.Optional(MatrixBody),
    copyFrom: Type.Optional(
      Type.String({ description: 'A built-in or custom preset id to copy the matrix from' }),
    ),
  },
  { additionalProperties: false },
);
export const UpdatePresetBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description), matrix: Type.Optional(MatrixBody) },
  { additionalProperties: false },
);
export const DeletePresetQuery = Type.Object(
  {
    reassignTo: Type.Optional(
      Type.String({
        description: 'Move every member, agent member, key and invitation linked to it to this preset',
      }),
    ),
  },
  { additionalProperties: false },
);
export const CompareQuery = Type.Object(
  { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

const open = { additionalProperties: true } as const;
const Usage = Type.Object({
  members: Type.Integer(),
  agentMembers: Type.Integer(),
  apiKeys: Type.Integer(),
  invitations: Type.Integer(),
});
export const PresetView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    builtin: Type.Boolean(),
    version: Type.Integer(),
    matrix: MatrixView,
    createdAt: Nullable(Type.String()),
    updatedAt: Nullable(Type.String()),
    usage: Type.Optional(Usage),
    linked: Type.Optional(Usage),
    changes: Type.Optional(Type.Array(Type.String())),
    can: Type.Optional(Type.Object({ edit: Type.Boolean(), delete: Type.Boolean(), copy: Type.Boolean() })),
    revision: Type.Optional(Revision),
  },
  open,
);
export const PresetList = Type.Object({ presets: Type.Array(PresetView) }, open);
export const VersionList = Type.Object(
  {
    versions: Type.Array(
      Type.Object(
        {
          version: Type.Integer(),
          name: Type.String(),
          description: Type.String(),
          matrix: MatrixView,
          createdAt: Nullable(Type.String()),
          createdBy: Nullable(Type.String()),
        },
        open,
      ),
    ),
  },
  open,
);
export const Comparison = Type.Object(
  {
    presetId: Type.String(),
    from: Type.Integer(),
    to: Type.Integer(),
    name: Type.Object({ before: Type.String(), after: Type.String() }),
    changes: Type.Array(Type.Object({ permission: Type.String(), before: LevelName, after: LevelName })),
  },
  open,
);
export const PresetDeleted = Type.Object(
  { deleted: Type.Literal(true), reassignedTo: Nullable(Type.String()), usage: Usage, revision: Revision },
  open,
);
