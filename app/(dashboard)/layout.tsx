import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { NavigationPendingProvider } from '@/components/filters/navigation-pending';
import { LookupBox } from '@/components/lookup/lookup-box';
import { QueryProviders } from '@/components/queries/providers';
import { AppHeader, AppMain } from '@/components/shell/app-header';
import { THEME_COOKIE, parseTheme } from '@/components/ui/theme';
import { requirePageUser } from '@/auth';
import { lookupAction } from './lookup/actions';

// The signed-in shell. Each page checks its own role too: a layout check alone does not guard a page.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser('support');
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <QueryProviders>
      {/* No Suspense around the page: forbidden() and redirect() must set the status before anything streams. */}
      <NavigationPendingProvider>
        <AppHeader user={{ email: user.email, role: user.role }} theme={theme} lookup={<LookupBox action={lookupAction} />} />
        <AppMain>{children}</AppMain>
      </NavigationPendingProvider>
    </QueryProviders>
  );
}
