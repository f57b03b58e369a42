'use client';

import { usePathname } from 'next/navigation';
import { RangePicker } from '@/components/filters/range-picker';

// Pages whose data is a time range; the request page and admin have none.
const RANGED = [/^\/$/, /^\/errors$/, /^\/keys\/[^/]+$/, /^\/codes\/[^/]+$/, /^\/ingest$/];

export function HeaderRange() {
  const pathname = usePathname();
  if (!RANGED.some((r) => r.test(pathname))) return null;
  return <RangePicker />;
}
