import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The suites live beside the repository (`../shared` from its root), as CI checks them out. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const conformanceDir = join(repoRoot, '../shared/conformance/openfga');
