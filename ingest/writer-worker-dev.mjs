// Runs the TypeScript writer worker without a build (tests, `next dev`): Node 20 workers ignore `--import` hooks
// passed in execArgv, so the worker registers tsx itself.
import { tsImport } from 'tsx/esm/api';

await tsImport('./writer-worker.ts', import.meta.url);
