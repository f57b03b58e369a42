// Query keys: one factory so invalidation works by prefix. The last element is the view's canonical query string.
export const queryKeys = {
  stats: {
    all: ['stats'] as const,
    summary: (query: string) => ['stats', 'summary', query] as const,
    timeseries: (query: string) => ['stats', 'timeseries', query] as const,
    breakdown: (query: string) => ['stats', 'breakdown', query] as const,
    expected: (query: string) => ['stats', 'expected', query] as const,
    values: (query: string) => ['stats', 'values', query] as const,
  },
  requests: {
    all: ['requests'] as const,
    list: (query: string) => ['requests', 'list', query] as const,
  },
};
