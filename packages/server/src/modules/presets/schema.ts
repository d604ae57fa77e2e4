import { Type } from 'typebox';
import { MatrixBody } from '../workspaces/schema';

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
