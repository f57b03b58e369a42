// Who may do what: the user roles and token scopes (the metadata schema stores them, db/schema.ts) and the role
// ordering shared by the guards and the UI. Pure: safe to import from client components.
export const TOKEN_SCOPES = ['ingest', 'read', 'metrics', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const USER_ROLES = ['support', 'engineer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const ROLE_RANK: Record<UserRole, number> = { support: 0, engineer: 1, admin: 2 };

/** True when `role` is at least `need` (support < engineer < admin). */
export function hasRole(role: UserRole, need: UserRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[need];
}

export function isRole(value: unknown): value is UserRole {
  return typeof value === 'string' && Object.hasOwn(ROLE_RANK, value);
}

/** Where a user lands after sign-in when no page was asked for: support staff cannot open the overview. */
export function homeFor(role: UserRole): string {
  return hasRole(role, 'engineer') ? '/' : '/lookup';
}
