import { buttonClass } from './button';

/** "Download CSV" for exactly the filters on screen: a plain link to the export route (the session cookie authenticates it). */
export function CsvDownloadButton({
  href,
  label = 'Download CSV',
  ariaLabel,
  filename,
}: {
  href: string;
  label?: string;
  ariaLabel?: string;
  filename?: string;
}) {
  return (
    <a href={href} download={filename ?? true} className={buttonClass('default', 'small')} data-testid="csv-download" rel="nofollow" aria-label={ariaLabel}>
      <span aria-hidden="true">⤓</span> {label}
    </a>
  );
}
