import { generateSchema, readSchemaFile } from '@atrium/sdk/generate';
import { expect, it } from 'vitest';
import { CONSOLE_SCHEMA } from './generate';

it('schema.d.ts is what the server’s OpenAPI document generates (run `npm run generate -w @atrium/console`)', async () => {
  expect(await readSchemaFile(CONSOLE_SCHEMA)).toBe(await generateSchema(CONSOLE_SCHEMA));
}, 60_000);
