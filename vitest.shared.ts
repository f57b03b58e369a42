// What every Vitest suite shares: the `@` alias and the server-only stub (tests import server modules directly).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(fileURLToPath(import.meta.url));

export const resolve = {
  alias: {
    '@': root,
    'server-only': path.join(root, 'tests/support/server-only-stub.ts'),
  },
};
