// Where errata may send an alert: https anywhere public; http only to localhost; never to link-local or cloud
// metadata addresses; private and loopback addresses only when an admin allowed them for the channel. Checked at save
// (the URL and what its host resolves to) and at send, on the address actually connected to (a DNS answer that
// changed since, and every redirect, go through the same check).
import dns from 'node:dns';
import net from 'node:net';

export type AddressClass = 'public' | 'private' | 'loopback' | 'link_local' | 'metadata' | 'reserved';

export class DestinationError extends Error {
  constructor(
    message: string,
    readonly reason: 'scheme' | 'address' | 'resolve' | 'url',
  ) {
    super(message);
  }
}

function v4(ip: string): number[] {
  return ip.split('.').map(Number);
}

const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

/** The class of one IP address (IPv4-mapped IPv6 is judged as its IPv4). */
export function classifyAddress(address: string): AddressClass {
  let ip = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) ip = mapped[1];
  // The URL parser writes a mapped IPv4 in hex (::ffff:a9fe:a9fe).
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    ip = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  if (METADATA.has(ip)) return 'metadata';
  if (net.isIPv4(ip)) {
    const [a, b] = v4(ip);
    if (a === 127) return 'loopback';
    if (a === 169 && b === 254) return 'link_local';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
    if (a === 0 || a >= 224 || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19))) return 'reserved';
    return 'public';
  }
  if (net.isIPv6(ip)) {
    if (ip === '::1') return 'loopback';
    if (ip === '::') return 'reserved';
    if (/^fe[89ab]/.test(ip)) return 'link_local';
    if (/^f[cd]/.test(ip)) return 'private';
    if (/^ff/.test(ip)) return 'reserved';
    return 'public';
  }
  return 'reserved';
}

function refusal(address: string, cls: AddressClass, allowPrivate: boolean): string | null {
  if (cls === 'public') return null;
  if ((cls === 'private' || cls === 'loopback') && allowPrivate) return null;
  if (cls === 'private' || cls === 'loopback') return `${address} is a ${cls} address; an admin must allow private addresses for this channel`;
  return `${address} is a ${cls.replace('_', '-')} address, never a webhook destination`;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Scheme rule: https, or http to localhost only. Returns the parsed URL. */
export function checkScheme(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationError('not a URL', 'url');
  }
  if (url.username || url.password) throw new DestinationError('credentials in the URL are not allowed', 'url');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)) return url;
  throw new DestinationError(url.protocol === 'http:' ? 'http is allowed only to localhost; use https' : `${url.protocol} URLs are not allowed`, 'scheme');
}

/** At save: the scheme, then every address the host resolves to. */
export async function checkDestination(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = checkScheme(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string }[];
  try {
    addresses = net.isIP(host) ? [{ address: host }] : await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    throw new DestinationError(`${host} does not resolve`, 'resolve');
  }
  for (const a of addresses) {
    const why = refusal(a.address, classifyAddress(a.address), allowPrivate);
    if (why) throw new DestinationError(`${host}: ${why}`, 'address');
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses forbidden addresses at connect time (after any DNS change). */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, cb: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return cb(err, '');
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const why = refusal(a.address, classifyAddress(a.address), allowPrivate);
        if (why) return cb(Object.assign(new DestinationError(`${hostname}: ${why}`, 'address'), { code: 'EREFUSED_DESTINATION' }), '');
      }
      if (options.all) cb(null, list);
      else cb(null, list[0].address, list[0].family);
    });
  };
}
