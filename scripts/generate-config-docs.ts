// Regenerates docs/configuration.md from the configuration schema.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configReference } from '../packages/server/src/config/reference.ts';

writeFileSync(resolve(import.meta.dirname, '../docs/configuration.md'), configReference());
