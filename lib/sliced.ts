// Long pure computations over user input (a 1 MB pasted text) are written as generators that yield after each
// slice of work. The server runs them with `runSliced`, which gives the event loop a turn every few milliseconds so
// /api/v1/health and other requests keep answering; tests and scripts run them at once with `runAll`.

/** Work that yields (nothing) between slices and returns T. */
export type SlicedWork<T> = Generator<void, T>;

export function runAll<T>(work: SlicedWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** Runs `work`, letting other callbacks run whenever `sliceMs` have passed since the last turn. */
export async function runSliced<T>(work: SlicedWork<T>, sliceMs = 1): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - since >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}
