// Client behaviour under shuffled and resent arrival with SQLite as the store under test (the suite's own check:
// the reference receives the same lines in order).
import { openSqliteStore } from '@/db/sqlite/store';
import { behaviourArrivalContract } from './behaviour-arrival';

behaviourArrivalContract({
  name: 'sqlite (in memory)',
  open: async () => openSqliteStore(':memory:'),
  reference: async () => openSqliteStore(':memory:'),
});
