// Device cookies (OWASP "Slow down online guessing attacks with device cookies"): a successful sign-in leaves a
// signed cookie naming the account; a later sign-in to that account from that browser is counted against that
// device only, so an attack on the account from elsewhere does not keep its owner out.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '@/db/client';
import { getSetting, setSetting } from '@/db/queries/settings';

export const DEVICE_COOKIE = 'errata_device';
const KEY_SETTING = 'device_cookie_key';
const MAX_AGE_S = 365 * 24 * 3600;

/** The signing key: 32 random bytes made on first use and kept in the settings table (so backups carry it). */
function key(db: Db): Buffer {
  let hex = getSetting(db, KEY_SETTING);
  if (!hex) {
    hex = randomBytes(32).toString('hex');
    setSetting(db, KEY_SETTING, hex);
  }
  return Buffer.from(hex, 'hex');
}

function sign(db: Db, payload: string): string {
  return createHmac('sha256', key(db)).update(payload).digest('base64url');
}

/** A new device cookie value for `email` (normalized): base64url(email).nonce.signature. */
export function issueDevice(db: Db, email: string): string {
  const payload = `${Buffer.from(email).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
  return `${payload}.${sign(db, payload)}`;
}

/** The device's id (its nonce) when `value` is a valid cookie we issued for `email`, else null. */
export function verifyDevice(db: Db, value: string | undefined, email: string): string | null {
  if (!value || value.length > 512) return null;
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  const [who, nonce, sig] = parts;
  const expected = Buffer.from(sign(db, `${who}.${nonce}`));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return Buffer.from(who, 'base64url').toString('utf8') === email ? nonce : null;
}

/** Sent only to the sign-in route; HttpOnly like the session. */
export function deviceCookie(value: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${value}; Path=/api/auth/login; HttpOnly; SameSite=Strict; Max-Age=${MAX_AGE_S}${secure ? '; Secure' : ''}`;
}
