// Runs once when the server starts. On a database with no users yet, print the first-run code at once
// (lib/auth/setup.ts) so the operator finds it in the log before opening /setup.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // A store this build cannot open is a configuration error: say so and stop before serving anything.
  const { checkStoreConfig } = await import('./db/store-config');
  try {
    checkStoreConfig();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  try {
    const { announceFirstRun } = await import('./lib/auth/first-run');
    announceFirstRun();
  } catch (err) {
    console.error('errata: the first-run check failed; /setup will print the code when opened', err);
  }
}
