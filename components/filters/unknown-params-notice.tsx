import Link from 'next/link';
import { unknownParams } from '@/lib/param-names';
import { Notice } from '@/components/ui/states';
import { hrefWith } from './url-params';

/**
 * A link's parameters this page does not know (a typo like `key_id`, or another tool's): the view renders without
 * them, and this says so at the top with the nearest valid name and a one-click fix, instead of quietly showing
 * unfiltered numbers or refusing to show anything.
 */
export function UnknownParamsNotice({ pathname, params, allowed }: { pathname: string; params: URLSearchParams; allowed: readonly string[] }) {
  const unknown = unknownParams(params, allowed);
  if (unknown.length === 0) return null;
  const without = new URLSearchParams(params);
  for (const u of unknown) without.delete(u.name);
  return (
    <Notice tone="warn">
      <div data-testid="unknown-params">
        {unknown.map((u) => {
          const renamed = new URLSearchParams(without);
          if (u.did_you_mean) for (const v of params.getAll(u.name)) renamed.append(u.did_you_mean, v);
          return (
            <p key={u.name} style={{ margin: 0 }}>
              <strong>
                Ignored <code>{u.name.slice(0, 64)}</code>:
              </strong>{' '}
              this page has no such parameter, so the numbers below are not narrowed by it.
              {u.did_you_mean ? (
                <>
                  {' '}
                  Did you mean <code>{u.did_you_mean}</code>?{' '}
                  <Link href={hrefWith(pathname, renamed)} data-testid="unknown-param-fix">
                    Use {u.did_you_mean}={u.value.slice(0, 64)}
                  </Link>
                </>
              ) : null}
            </p>
          );
        })}
        <Link href={hrefWith(pathname, without)}>Remove {unknown.length === 1 ? 'it' : 'them'} from the link</Link>
      </div>
    </Notice>
  );
}
