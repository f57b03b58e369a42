#!/usr/bin/env node
// Installs chdb (ClickHouse 26.x in-process, over 500 MB) into tests/engines/chdb for the ClickHouse contract tests only,
// so `npm install` for users never pulls it. Idempotent: does nothing when the pinned version is already there.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'engines', 'chdb');
const want = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies.chdb;
const installed = path.join(dir, 'node_modules', 'chdb', 'package.json');
const native = path.join(dir, 'node_modules', '@chdb', `lib-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : ''}`);
if (existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === want && existsSync(native)) process.exit(0);
console.log(`installing chdb ${want} into ${path.relative(process.cwd(), dir)} (test engine, ~550 MB)…`);
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: dir, stdio: 'inherit' });
