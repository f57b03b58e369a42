// Where a key or code links to for this viewer: engineers get the key and code pages, support staff
// (who may not open those) the errors explorer filtered to the same key or code.
export interface DrillLinks {
  key(key_id: string): string;
  code(code: string): string;
}

export function drillLinks(engineer: boolean): DrillLinks {
  return engineer
    ? { key: (k) => `/keys/${encodeURIComponent(k)}`, code: (c) => `/codes/${encodeURIComponent(c)}` }
    : { key: (k) => `/errors?${new URLSearchParams({ key: k })}`, code: (c) => `/errors?${new URLSearchParams({ code: c })}` };
}
