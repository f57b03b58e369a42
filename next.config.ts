import type { NextConfig } from 'next';
import path from 'node:path';
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './lib/security-headers';

const config: NextConfig = {
  // Separate build dirs let several builds (tests, benches) coexist in one checkout.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  serverExternalPackages: ['better-sqlite3', '@node-rs/argon2', 'prom-client', 'protobufjs', '@opentelemetry/otlp-transformer', 'nodemailer'],
  poweredByHeader: false,
  turbopack: { root: path.resolve('.') },
  typescript: { ignoreBuildErrors: false },
  // forbidden() from requirePageUser renders app/forbidden.tsx with status 403.
  experimental: { authInterrupts: true },
  async headers() {
    return [
      { source: '/:path*', headers: [...SECURITY_HEADERS] },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default config;
