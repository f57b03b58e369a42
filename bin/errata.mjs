#!/usr/bin/env node
// `npx errata ...`: runs the TypeScript CLI through tsx's loader, with the project's tsconfig (for `@/` paths).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
register({ tsconfig: path.join(root, 'tsconfig.json') });
const { main } = await import(pathToFileURL(path.join(root, 'cli/errata.ts')).href);
process.exitCode = await main(process.argv.slice(2));
