// Where a key or code links to for this viewer: engineers get the key and code pages; support staff the key's
// read-only summary (the same URL answers them with it) and, for codes, the errors explorer filtered to the code.
export interface DrillLinks {
  key(key_id: string): string;
  code(code: string): string;
}

export function drillLinks(engineer: boolean): DrillLinks {
  return engineer
    ? { key: (k) => `/keys/${encodeURIComponent(k)}`, code: (c) => `/codes/${encodeURIComponent(c)}` }
    : { key: (k) => `/keys/${encodeURIComponent(k)}`, code: (c) => `/errors?${new URLSearchParams({ code: c })}` };
}
