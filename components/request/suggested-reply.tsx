'use client';

import { useId, useState } from 'react';
import { CopyButton } from './copy-button';
import styles from './request.module.css';

/** An editable draft reply: support staff adjust it, then copy it into their answer. */
export function SuggestedReply({ initial, maxRows = 14 }: { initial: string; maxRows?: number }) {
  const id = useId();
  const [value, setValue] = useState(initial);
  const rows = Math.min(maxRows, Math.max(5, value.split('\n').length + 1));
  return (
    <div className={styles.reply}>
      <label htmlFor={id} className={styles.label}>
        Draft reply (editable)
      </label>
      <textarea id={id} className={styles.replyText} rows={rows} value={value} onChange={(e) => setValue(e.target.value)} />
      <div className={styles.replyActions}>
        <CopyButton sourceId={id} label="Copy reply" />
        {value !== initial ? (
          <button type="button" className={styles.linkButton} onClick={() => setValue(initial)}>
            Reset
          </button>
        ) : null}
      </div>
    </div>
  );
}
