'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import {
  Suspense,
  createContext,
  useContext,
  useEffect,
  useState,
  useTransition,
  type ReactNode,
  type TransitionStartFunction,
} from 'react';

interface PendingState {
  pending: boolean;
  start: TransitionStartFunction;
}

const PendingContext = createContext<PendingState | null>(null);

/** Same-origin link clicks that Next will handle as a client navigation to another URL. */
function isClientNavigation(e: MouseEvent): boolean {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return false;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.hasAttribute('download') || (a.target && a.target !== '_self')) return false;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return false;
  return url.pathname + url.search !== location.pathname + location.search;
}

/**
 * One pending flag for every navigation on the page (filter controls and plain links), so the whole view
 * shows it is updating instead of looking stuck while the server renders the next one.
 */
export function NavigationPendingProvider({ children }: { children: ReactNode }) {
  const [transitionPending, start] = useTransition();
  const [linkPending, setLinkPending] = useState(false);

  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      if (isClientNavigation(e)) setLinkPending(true);
    };
    const onPop = () => setLinkPending(false);
    document.addEventListener('click', onClick);
    window.addEventListener('popstate', onPop);
    return () => {
      document.removeEventListener('click', onClick);
      window.removeEventListener('popstate', onPop);
    };
  }, []);

  return (
    <PendingContext.Provider value={{ pending: transitionPending || linkPending, start }}>
      {/* A boundary around this leaf only: useSearchParams must never put the page itself inside Suspense. */}
      <Suspense>
        <OnUrlChange setPending={setLinkPending} />
      </Suspense>
      {children}
    </PendingContext.Provider>
  );
}

/** Clears the link-pending flag whenever the path or query changes: the navigation a link started has arrived. */
function OnUrlChange({ setPending }: { setPending: (v: boolean) => void }) {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of path or query is the trigger
  useEffect(() => setPending(false), [pathname, search, setPending]);
  return null;
}

export function useNavigationPending(): PendingState | null {
  return useContext(PendingContext);
}

/** Dims its content while a navigation renders the new view on the server. */
export function PendingArea({ children, className }: { children: ReactNode; className?: string }) {
  const ctx = useContext(PendingContext);
  const pending = ctx?.pending ?? false;
  return (
    <div
      className={className}
      aria-busy={pending}
      data-pending={pending || undefined}
      style={pending ? { opacity: 0.55, transition: 'opacity 0.15s 0.1s' } : undefined}
    >
      {children}
    </div>
  );
}
