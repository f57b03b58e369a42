// Theme preference shared by the root layout (server) and the toggle (client).
export const THEME_COOKIE = 'errata-theme';
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export function parseTheme(value: string | undefined): Theme {
  return value === 'light' || value === 'dark' ? value : 'system';
}
