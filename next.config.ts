import type { NextConfig } from 'next';
import path from 'node:path';

const config: NextConfig = {
  // Separate build dirs let several builds (tests, benches) coexist in one checkout.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  turbopack: { root: path.resolve('.') },
  typescript: { ignoreBuildErrors: false },
};

export default config;
