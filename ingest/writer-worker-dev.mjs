// Runs the TypeScript ingest worker without a build (tests, `next dev`, the CLI): Node 20 workers ignore `--import`
// hooks passed in execArgv, so the worker registers tsx itself, with the project's tsconfig (for `@/` paths)
// whatever the working directory.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

await tsImport('./writer-worker.ts', { parentURL: import.meta.url, tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
