'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useTransition } from 'react';
import { hrefWith } from './url-params';

/** Navigate to the current page with changed search params; `pending` while the server renders the new view. */
export function useFilterNavigation() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  const navigate = useCallback(
    (change: (current: URLSearchParams) => URLSearchParams, options: { pathname?: string; replace?: boolean } = {}) => {
      const next = change(new URLSearchParams(searchParams.toString()));
      const href = hrefWith(options.pathname ?? pathname, next);
      startTransition(() => (options.replace ? router.replace(href, { scroll: false }) : router.push(href, { scroll: false })));
    },
    [router, pathname, searchParams],
  );

  return { navigate, pending, searchParams, pathname };
}
