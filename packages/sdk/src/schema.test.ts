import { expect, it } from 'vitest';
import { generateSchema, readSchemaFile } from './generate';

it('schema.d.ts is what the server’s OpenAPI document generates (run `npm run generate -w @atrium/sdk`)', async () => {
  expect(await readSchemaFile()).toBe(await generateSchema());
}, 60_000);
