#!/usr/bin/env node
// `npx errata ...`: the CLI that `npm run build` bundled into the build (<dist>/errata/cli.mjs, named by
// scripts/dist-dir.mjs). In a checkout without a build, the TypeScript sources through tsx (a development
// dependency), with the project's tsconfig for `@/` paths.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errataDir } from '../scripts/dist-dir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(errataDir, 'cli.mjs');
let cli;
if (fs.existsSync(built) && !process.env.ERRATA_CLI_FROM_SOURCE) {
  cli = await import(pathToFileURL(built).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`errata: no build of the CLI (${path.relative(root, built)}) and no tsx to run its sources: run \`npm run build\` first.\n`);
    process.exit(1);
  }
  register({ tsconfig: path.join(root, 'tsconfig.json') });
  cli = await import(pathToFileURL(path.join(root, 'cli/errata.ts')).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
