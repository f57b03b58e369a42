'use client';

import { useState } from 'react';
import { THEME_COOKIE, type Theme } from './theme';
import styles from './ui.module.css';

const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<Theme, string> = { system: 'Auto', light: 'Light', dark: 'Dark' };
const ICON: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };

export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  function cycle() {
    const next = NEXT[theme];
    setTheme(next);
    if (next === 'system') {
      delete document.documentElement.dataset.theme;
      document.cookie = `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`;
    } else {
      document.documentElement.dataset.theme = next;
      document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    }
  }
  return (
    <button
      type="button"
      className={`${styles.button} ${styles.ghost} ${styles.iconButton}`}
      onClick={cycle}
      aria-label={`Theme: ${LABEL[theme]}. Switch to ${LABEL[NEXT[theme]]}`}
      title={`Theme: ${LABEL[theme]}`}
    >
      <span aria-hidden="true">{ICON[theme]}</span>
      <span className={styles.hideNarrow}>{LABEL[theme]}</span>
    </button>
  );
}
