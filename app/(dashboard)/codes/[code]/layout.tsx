import type { ReactNode } from 'react';
import { requirePageUser } from '@/auth';

// Checked here as well as in the page: the page streams behind loading.tsx, and only a check above that
// boundary can still answer with a real 403 or redirect status.
export default async function RoleLayout({ children }: { children: ReactNode }) {
  await requirePageUser('engineer');
  return children;
}
