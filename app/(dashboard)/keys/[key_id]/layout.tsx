import type { ReactNode } from 'react';
import { requirePageUser } from '@/auth';

// Checked here as well as in the page: the page streams behind loading.tsx, and only a check above that
// boundary can still answer with a real 403 or redirect status. Support staff get the key's read-only summary.
export default async function RoleLayout({ children }: { children: ReactNode }) {
  await requirePageUser('support');
  return children;
}
