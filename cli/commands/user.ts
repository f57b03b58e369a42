// `errata user create|list|disable|enable|set-role|reset-password`: manage dashboard users from the shell.
import { openDatabase, type Db } from '../../db/client';
import { recordAudit } from '../../db/queries/audit';
import { deleteUserSessions } from '../../db/queries/sessions';
import { countActiveAdmins, createUser, getUserByEmail, isValidEmail, listUsers, normalizeEmail, setUserDisabled, setUserPassword, setUserRole } from '../../db/queries/users';
import { USER_ROLES, type UserRole } from '../../db/schema';
import { generatePassword, passwordProblem } from '../../lib/auth/password';

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

async function newPassword(): Promise<{ password: string; generated: boolean } | string> {
  const piped = await readStdinPassword();
  if (piped === undefined) return { password: generatePassword(), generated: true };
  return passwordProblem(piped) ?? { password: piped, generated: false };
}

async function dispatch(db: Db, sub: string | undefined, argv: string[]): Promise<number> {
  switch (sub) {
    case 'create': {
      const email = requireEmail(argv);
      const role = requireRole(argv);
      if (!email) return fail('--email with a valid address is required');
      if (!role) return fail(`--role must be one of ${USER_ROLES.join(', ')}`);
      if (getUserByEmail(db, email)) return fail(`a user with the email ${email} already exists`);
      const pw = await newPassword();
      if (typeof pw === 'string') return fail(pw);
      await createUser(db, { email, role, password: pw.password });
      recordAudit(db, { actor: 'cli', action: 'user.create', target: email, details: { role } });
      process.stdout.write(`Created ${role} ${email}.\n`);
      if (pw.generated) process.stdout.write(`Password (shown once): ${pw.password}\n`);
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
      const user = getUserByEmail(db, email);
      if (!user) return fail(`no user ${email}`);
      const disabled = sub === 'disable';
      if (disabled && user.role === 'admin' && !user.disabled && countActiveAdmins(db) <= 1) return fail('this is the last active admin');
      setUserDisabled(db, user.id, disabled);
      if (disabled) deleteUserSessions(db, user.id);
      recordAudit(db, { actor: 'cli', action: disabled ? 'user.disable' : 'user.enable', target: email });
      process.stdout.write(`${disabled ? 'Disabled' : 'Enabled'} ${email}.\n`);
      return 0;
    }
    case 'set-role': {
      const email = requireEmail(argv);
      const role = requireRole(argv);
      if (!email) return fail('--email with a valid address is required');
      if (!role) return fail(`--role must be one of ${USER_ROLES.join(', ')}`);
      const user = getUserByEmail(db, email);
      if (!user) return fail(`no user ${email}`);
      if (user.role === 'admin' && role !== 'admin' && !user.disabled && countActiveAdmins(db) <= 1) return fail('this is the last active admin');
      setUserRole(db, user.id, role);
      recordAudit(db, { actor: 'cli', action: 'user.set_role', target: email, details: { from: user.role, to: role } });
      process.stdout.write(`${email} is now ${role}.\n`);
      return 0;
    }
    case 'reset-password': {
      const email = requireEmail(argv);
      if (!email) return fail('--email with a valid address is required');
      const user = getUserByEmail(db, email);
      if (!user) return fail(`no user ${email}`);
      const pw = await newPassword();
      if (typeof pw === 'string') return fail(pw);
      await setUserPassword(db, user.id, pw.password);
      deleteUserSessions(db, user.id);
      recordAudit(db, { actor: 'cli', action: 'user.reset_password', target: email });
      process.stdout.write(`Password of ${email} reset; their sessions were ended.\n`);
      if (pw.generated) process.stdout.write(`Password (shown once): ${pw.password}\n`);
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
  } finally {
    db.$client.close();
  }
}
