// `errata token create|list|revoke`: API tokens for machines (shippers, scripts). Secrets are shown once.
import { listTokens, type TokenInfo } from '@/db/queries/tokens';
import { issueToken, revokeTokenById } from '@/auth/admin';
import { TOKEN_SCOPES, type TokenScope } from '@/lib/roles';
import { closeDb, databasePath, EXIT, fmtTime, openCliDb, parse, UsageError } from '../lib/cli';

const HELP = `Usage:
  errata token create --name NAME --scope SCOPES   SCOPES: ${TOKEN_SCOPES.join(', ')} (comma-separated or repeated)
  errata token list [--json]
  errata token revoke <id>

'create' prints the token once, on the last line of its output; only its SHA-256 hash is stored.
`;

export function parseScopes(values: string[]): TokenScope[] {
  const scopes = values.flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (scopes.length === 0) throw new UsageError(`--scope is required (${TOKEN_SCOPES.join(', ')})`);
  const unknown = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new UsageError(`unknown scope ${unknown.map((s) => `'${s}'`).join(', ')} (use ${TOKEN_SCOPES.join(', ')})`);
  return [...new Set(scopes)] as TokenScope[];
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return sub ? EXIT.ok : EXIT.usage;
  }
  switch (sub) {
    case 'create':
      return create(rest);
    case 'list':
    case 'ls':
      return list(rest);
    case 'revoke':
      return revoke(rest);
    default:
      throw new UsageError(`unknown subcommand '${sub}' (create, list, revoke)`);
  }
}

function create(argv: string[]): number {
  const { values } = parse(argv, { name: { type: 'string' }, scope: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const name = values.name?.trim() ?? '';
  if (!name) throw new UsageError('--name is required');
  if (name.length > 100) throw new UsageError('--name is longer than 100 characters');
  const scopes = parseScopes(values.scope ?? []);
  const db = openCliDb();
  try {
    const created = issueToken(db, 'cli', null, { name, scopes });
    process.stdout.write(
      `Created token ${created.id} '${created.name}' with scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')} in ${databasePath()}.\n` +
        `Copy it now: it is not stored and cannot be shown again.\n` +
        `${created.token}\n`,
    );
  } finally {
    closeDb(db);
  }
  return EXIT.ok;
}

function status(t: TokenInfo): string {
  return t.revoked_ms === null ? 'active' : `revoked ${fmtTime(t.revoked_ms)}`;
}

function list(argv: string[]): number {
  const { values } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const db = openCliDb();
  let tokens: TokenInfo[];
  try {
    tokens = listTokens(db);
  } finally {
    closeDb(db);
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
    return EXIT.ok;
  }
  if (tokens.length === 0) {
    process.stdout.write(`No tokens in ${databasePath()}. Create one with: errata token create --name NAME --scope ingest\n`);
    return EXIT.ok;
  }
  const rows = [
    ['ID', 'NAME', 'TOKEN', 'SCOPES', 'CREATED', 'LAST USED', 'STATUS'],
    ...tokens.map((t) => [String(t.id), t.name, `${t.token_prefix}…`, t.scopes.join(','), fmtTime(t.created_ms), fmtTime(t.last_used_ms), status(t)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ') + '\n');
  return EXIT.ok;
}

function revoke(argv: string[]): number {
  const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1 || !/^\d+$/.test(positionals[0])) throw new UsageError('give one token id (see errata token list)');
  const id = Number(positionals[0]);
  const db = openCliDb();
  try {
    const token = listTokens(db).find((t) => t.id === id);
    if (!token) {
      process.stderr.write(`errata token revoke: no token with id ${id} in ${databasePath()}\n`);
      return EXIT.failure;
    }
    if (token.revoked_ms !== null) {
      process.stdout.write(`Token ${id} '${token.name}' was already revoked at ${fmtTime(token.revoked_ms)}.\n`);
      return EXIT.ok;
    }
    revokeTokenById(db, 'cli', id);
    process.stdout.write(`Revoked token ${id} '${token.name}' (${token.token_prefix}…). Requests using it now get 401.\n`);
  } finally {
    closeDb(db);
  }
  return EXIT.ok;
}
