'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useTransition } from 'react';
import { useNavigationPending } from './navigation-pending';
import { hrefWith } from './url-params';

/** Navigate to the current page with changed search params; `pending` while the server renders the new view. */
export function useFilterNavigation() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [localPending, localStart] = useTransition();
  // Inside the dashboard shell the transition is shared, so the whole page dims, not only this control.
  const shared = useNavigationPending();
  const startTransition = shared?.start ?? localStart;
  const pending = shared?.pending ?? localPending;

  const navigate = useCallback(
    (change: (current: URLSearchParams) => URLSearchParams, options: { pathname?: string; replace?: boolean } = {}) => {
      const next = change(new URLSearchParams(searchParams.toString()));
      const href = hrefWith(options.pathname ?? pathname, next);
      startTransition(() => (options.replace ? router.replace(href, { scroll: false }) : router.push(href, { scroll: false })));
    },
    [router, pathname, searchParams, startTransition],
  );

  return { navigate, pending, searchParams, pathname };
}
