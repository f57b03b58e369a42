// `errata migrate`: create the database file or bring its schema up to date.
import { closeDb, databasePath, EXIT, openCliDb, parse } from '../lib/cli';

const HELP = `Usage: errata migrate

Creates the database at DATABASE_PATH (default ./data/errata.db) when missing and applies pending migrations.
The server and every other command do the same on start; this is for deploy scripts.
`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { help: { type: 'boolean', short: 'h' } }, false);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const db = openCliDb();
  try {
    const row = db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    process.stdout.write(`Database ${databasePath()} is up to date (${row.n} migration${row.n === 1 ? '' : 's'} applied).\n`);
  } finally {
    closeDb(db);
  }
  return EXIT.ok;
}
