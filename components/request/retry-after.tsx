'use client';

import { useEffect, useState } from 'react';
import { formatDuration, formatUtc } from './details';

/** "Asked to wait 30 seconds: retry possible from 10:04:31 UTC (in 12 s / already passed)". The live part renders after mount. */
export function RetryAfter({ tsMs, seconds }: { tsMs: number; seconds: number }) {
  const until = tsMs + seconds * 1000;
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    if (until <= Date.now()) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [until]);
  let live = '';
  if (now !== null) live = until > now ? ` — that is in ${formatDuration((until - now) / 1000)}` : ' — that time has passed, a retry now would not be held back by this limit';
  return (
    <span>
      Asked to wait <strong>{formatDuration(seconds)}</strong> before retrying: retry possible from {formatUtc(until)}
      {live}.
    </span>
  );
}
