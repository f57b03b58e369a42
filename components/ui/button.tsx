import Link from 'next/link';
import type { ComponentProps, ReactNode } from 'react';
import styles from './ui.module.css';

type Variant = 'default' | 'primary' | 'ghost';

function classes(variant: Variant = 'default', size?: 'small', extra?: string): string {
  return [styles.button, variant !== 'default' ? styles[variant] : '', size ? styles.small : '', extra ?? '']
    .filter(Boolean)
    .join(' ');
}

export function Button({
  variant,
  size,
  className,
  ...props
}: ComponentProps<'button'> & { variant?: Variant; size?: 'small' }) {
  return <button type="button" {...props} className={classes(variant, size, className)} />;
}

export function LinkButton({
  href,
  variant,
  size,
  children,
  className,
  disabled,
  ...rest
}: { href: string; variant?: Variant; size?: 'small'; children: ReactNode; className?: string; disabled?: boolean } & Omit<
  ComponentProps<'a'>,
  'href'
>) {
  if (disabled) {
    return (
      <span className={classes(variant, size, className)} aria-disabled="true" {...(rest as ComponentProps<'span'>)}>
        {children}
      </span>
    );
  }
  return (
    <Link href={href} className={classes(variant, size, className)} {...rest}>
      {children}
    </Link>
  );
}

export const buttonClass = classes;
