// Where to go after sign-in: a path on this site, never another origin (open redirect).

/** A stand-in for our own origin: only whether the target stays on it matters, not its name. */
const OWN = 'http://errata.invalid';

/**
 * A local path to come back to after sign-in; anything else becomes "/". The target is parsed as a URL against our
 * own origin the way a browser would, and kept only when it stays there: `//host`, `/\host` and `/<TAB>/host`
 * (browsers drop tabs and newlines from URLs) all leave. Control characters, spaces and non-ASCII never appear in
 * a path we built (those arrive percent-encoded), so they fall back to "/" too.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2000 || next[0] !== '/') return '/';
  for (let i = 0; i < next.length; i++) {
    const c = next.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return '/';
  }
  let url: URL;
  try {
    url = new URL(next, OWN);
  } catch {
    return '/';
  }
  if (url.origin !== OWN) return '/';
  const path = url.pathname + url.search + url.hash;
  // "/..//evil.example" resolves to the path "//evil.example", which as a Location is another host again.
  return path.startsWith('//') ? '/' : path;
}
