// Which request store the environment asks for, and the configuration errors that stop the server at start.
import { describe, expect, test } from 'vitest';
import { checkStoreConfig, configuredStoreKind, StoreConfigError } from '@/db/store-config';

const env = (e: Record<string, string>) => e as unknown as NodeJS.ProcessEnv;

describe('store config', () => {
  test('SQLite unless CLICKHOUSE_URL is set; ClickHouse URLs and cluster names are checked', () => {
    expect(configuredStoreKind(env({}))).toBe('sqlite');
    expect(configuredStoreKind(env({ CLICKHOUSE_URL: 'http://default:@127.0.0.1:8123/errata' }))).toBe('clickhouse');
    expect(() => checkStoreConfig(env({}))).not.toThrow();
    expect(() => checkStoreConfig(env({ CLICKHOUSE_URL: 'http://default:@127.0.0.1:8123/errata', CLICKHOUSE_CLUSTER: 'errata' }))).not.toThrow();
    expect(() => checkStoreConfig(env({ CLICKHOUSE_CLUSTER: 'errata' }))).toThrow(StoreConfigError);
    expect(() => checkStoreConfig(env({ CLICKHOUSE_URL: 'not a url' }))).toThrow(/not a URL/);
    expect(() => checkStoreConfig(env({ CLICKHOUSE_URL: 'tcp://127.0.0.1:9000/errata' }))).toThrow(/http/);
    expect(() => checkStoreConfig(env({ CLICKHOUSE_URL: 'http://127.0.0.1:8123/err-ata' }))).toThrow(/identifier/);
    expect(() => checkStoreConfig(env({ CLICKHOUSE_URL: 'http://127.0.0.1:8123/errata', CLICKHOUSE_CLUSTER: "x'; DROP" }))).toThrow(/identifier/);
  });
});
