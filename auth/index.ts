// The access-control surface: requireAccess for route handlers, requirePageUser for pages and layouts.
export { requireAccess, actorOf, type AccessNeed, type Principal } from './guard';
export { requirePageUser, getPageUser, safeNext, type PageUser } from './page';
export { hasRole, ROLE_RANK } from '@/lib/roles';
