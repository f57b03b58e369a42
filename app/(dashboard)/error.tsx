'use client';

import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/states';

// A page that failed to render says so, with the digest support can quote, and offers a retry.
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorState title="This page could not be loaded">
      <p>The server could not build this view. Nothing was changed; trying again is safe.</p>
      {error.digest && (
        <p className="muted">
          Error reference: <code>{error.digest}</code>
        </p>
      )}
      <Button variant="primary" onClick={reset}>
        Try again
      </Button>
    </ErrorState>
  );
}
