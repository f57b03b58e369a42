// Runs once when the server starts. On a database with no users yet, print the first-run code at once
// (auth/setup.ts) so the operator finds it in the log before opening /setup. Then start the ingest writer (its
// retention prune runs at start and hourly, whether or not anything is sent) and alert evaluation.
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
    const { announceFirstRun } = await import('./auth/first-run');
    announceFirstRun();
  } catch (err) {
    console.error('errata: the first-run check failed; /setup will print the code when opened', err);
  }
  try {
    const { getWriter } = await import('./ingest/writer');
    getWriter().start();
  } catch (err) {
    console.error('errata: the ingest writer did not start; it starts with the first batch', err);
  }
  try {
    const { startAlertingInServer } = await import('./alerts/server');
    startAlertingInServer();
  } catch (err) {
    console.error('errata: alert evaluation did not start', err);
  }
}
