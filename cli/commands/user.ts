// `errata user create|list|disable|enable|set-role|reset-password`: manage dashboard users from the shell.
// Every change goes through auth/admin.ts, as the pages and the API do: the same checks (the last active admin
// inside the change's transaction), the same audit entries (actor 'cli').
import { openDatabase, type Db } from '../../db/client';
import { isValidEmail, listUsers, normalizeEmail } from '../../db/queries/users';
import { USER_ROLES, type UserRole } from '../../lib/roles';
import { ApiError } from '../../lib/api-error';
import { inviteUser, resetPassword, updateUser, userByEmail } from '../../auth/admin';
import { passwordProblem } from '../../lib/password';

const USAGE = `Usage:
  errata user create --email E --role support|engineer|admin   (password from stdin when piped, else generated and printed)
  errata user list
  errata user disable --email E
  errata user enable --email E
  errata user set-role --email E --role R
  errata user reset-password --email E                          (password from stdin when piped, else generated and printed)
Database: $DATABASE_PATH (default ./data/errata.db).`;

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function readStdinPassword(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  return text.length ? text : undefined;
}

function fail(message: string): number {
  process.stderr.write(`errata user: ${message}\n`);
  return 1;
}

function requireEmail(argv: string[]): string | null {
  const email = flag(argv, 'email');
  return email && isValidEmail(normalizeEmail(email)) ? normalizeEmail(email) : null;
}

function requireRole(argv: string[]): UserRole | null {
  const role = flag(argv, 'role');
  return role && (USER_ROLES as readonly string[]).includes(role) ? (role as UserRole) : null;
}

/** The piped password (undefined: generate one), or the problem with it. */
async function pipedPassword(): Promise<{ password: string | undefined } | string> {
  const piped = await readStdinPassword();
  if (piped === undefined) return { password: undefined };
  return passwordProblem(piped) ?? { password: piped };
}

async function dispatch(db: Db, sub: string | undefined, argv: string[]): Promise<number> {
  switch (sub) {
    case 'create': {
      const email = requireEmail(argv);
      const role = requireRole(argv);
      if (!email) return fail('--email with a valid address is required');
      if (!role) return fail(`--role must be one of ${USER_ROLES.join(', ')}`);
      const pw = await pipedPassword();
      if (typeof pw === 'string') return fail(pw);
      const created = await inviteUser(db, 'cli', { email, role, password: pw.password });
      process.stdout.write(`Created ${role} ${email}.\n`);
      if (pw.password === undefined) process.stdout.write(`Password (shown once): ${created.password}\n`);
      return 0;
    }
    case 'list': {
      const rows = listUsers(db);
      if (rows.length === 0) {
        process.stdout.write('No users.\n');
        return 0;
      }
      for (const u of rows) {
        const status = u.disabled ? 'disabled' : u.locked_until_ms && u.locked_until_ms > Date.now() ? 'locked' : 'active';
        const last = u.last_login_ms ? new Date(u.last_login_ms).toISOString() : 'never';
        process.stdout.write(`${u.email}\t${u.role}\t${status}\tlast sign-in ${last}\n`);
      }
      return 0;
    }
    case 'disable':
    case 'enable': {
      const email = requireEmail(argv);
      if (!email) return fail('--email with a valid address is required');
      const disabled = sub === 'disable';
      updateUser(db, 'cli', userByEmail(db, email).id, { disabled });
      process.stdout.write(`${disabled ? 'Disabled' : 'Enabled'} ${email}.\n`);
      return 0;
    }
    case 'set-role': {
      const email = requireEmail(argv);
      const role = requireRole(argv);
      if (!email) return fail('--email with a valid address is required');
      if (!role) return fail(`--role must be one of ${USER_ROLES.join(', ')}`);
      updateUser(db, 'cli', userByEmail(db, email).id, { role });
      process.stdout.write(`${email} is now ${role}.\n`);
      return 0;
    }
    case 'reset-password': {
      const email = requireEmail(argv);
      if (!email) return fail('--email with a valid address is required');
      const user = userByEmail(db, email);
      const pw = await pipedPassword();
      if (typeof pw === 'string') return fail(pw);
      const done = await resetPassword(db, 'cli', user.id, pw.password);
      process.stdout.write(`Password of ${email} reset; their sessions were ended.\n`);
      if (pw.password === undefined) process.stdout.write(`Password (shown once): ${done.password}\n`);
      return 0;
    }
    default:
      process.stdout.write(`${USAGE}\n`);
      return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 1;
  }
}

/** Entry point for `errata user ...`; argv may start with "user" or with the subcommand. */
export async function run(argv: string[]): Promise<number> {
  const args = argv[0] === 'user' ? argv.slice(1) : argv;
  const db = openDatabase(process.env.DATABASE_PATH ?? './data/errata.db');
  try {
    return await dispatch(db, args[0], args.slice(1));
  } catch (err) {
    if (err instanceof ApiError) return fail(err.message.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()));
    throw err;
  } finally {
    db.$client.close();
  }
}
