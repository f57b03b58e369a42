import type { NextConfig } from 'next';
import path from 'node:path';

// Headers every response carries; pages also get a nonce-based Content-Security-Policy from proxy.ts.
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  // Dashboard URLs carry request ids and key ids: never leak them to other sites.
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  { key: 'Strict-Transport-Security', value: 'max-age=31536000' },
];

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
      { source: '/:path*', headers: securityHeaders },
      // API answers are data, never documents to render.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default config;
