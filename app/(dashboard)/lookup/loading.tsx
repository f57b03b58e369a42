import { PageLoading } from '@/components/request/page-loading';

export default function Loading() {
  return <PageLoading label="Looking up…" />;
}
