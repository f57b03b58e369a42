// Vitest runs outside React Server Components; the real package would throw here.
export {};
