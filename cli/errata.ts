// `errata <command> [args]`: the admin's terminal. Each command module exports run(argv) → exit code.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT, UsageError } from './lib/cli';

type Run = (argv: string[]) => Promise<number>;

const HELP = `errata: error analytics for the API platform

Usage: errata <command> [options]

Commands:
  migrate                               create the database or apply pending migrations
  token create --name NAME --scope S    create an API token (scopes: ingest, read, admin; comma-separated);
                                        the token is printed once, on the last line
  token list [--json]                   list tokens (never their secrets)
  token revoke <id>                     revoke a token; it stops working at once
  import FILE... [--batch N] [--json]   import gateway log records (NDJSON or JSON, optionally .gz; - is stdin)
  demo [--records N] [--days D] [--seed S] [--force]
                                        fill a fresh database with a week of realistic traffic
  user ...                              manage dashboard users (errata user --help)
  backup FILE [--force]                 copy the live database to FILE (safe while the server runs)
  copy [--to URL] [--cluster NAME]      copy the request records into ClickHouse (resumable, exact when rerun)

Environment:
  DATABASE_PATH   the SQLite file (default ./data/errata.db)

Run 'errata <command> --help' for a command's options.
Exit codes: 0 ok, 1 failure, 2 usage error, 3 import finished with rejected records, 130 stopped by Ctrl+C.
`;


async function load(name: string): Promise<Run | null> {
  switch (name) {
    case 'migrate':
      return (await import('./commands/migrate')).run;
    case 'token':
    case 'tokens':
      return (await import('./commands/token')).run;
    case 'import':
      return (await import('./commands/import')).run;
    case 'demo':
      return (await import('./commands/demo')).run;
    case 'backup':
      return (await import('./commands/backup')).run;
    case 'copy':
      return (await import('./commands/copy')).run;
    case 'user':
    case 'users':
      return (await import('./commands/user')).run;
    default:
      return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    if (command === 'help' && rest[0]) return main([rest[0], '--help']);
    process.stdout.write(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write('errata 0.1.0\n');
    return EXIT.ok;
  }
  const run = await load(command);
  if (!run) {
    process.stderr.write(`errata: unknown command '${command}'\n\n${HELP}`);
    return EXIT.usage;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`errata ${command}: ${err.message}\nRun 'errata ${command} --help' for usage.\n`);
      return EXIT.usage;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`errata ${command}: ${message}\n`);
    if (process.env.ERRATA_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT.failure;
  }
}

// Run directly (`tsx cli/errata.ts migrate`, as the db:migrate and db:seed scripts do) as well as through bin/errata.mjs.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
