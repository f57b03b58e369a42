'use client';

import { useRef, useState } from 'react';
import type { MouseHandlerDataParam } from 'recharts';
import type { TimeChartHandlers } from './types';

function labelOf(state: MouseHandlerDataParam | null | undefined): number | null {
  const v = state?.activeLabel;
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/**
 * Drag across a time chart to pick a range; a press and release on one bucket is a click on it.
 * The drag lives in a ref: a fast click fires mouseup before React re-renders with the mousedown state.
 */
export function useRangeSelection(intervalMs: number, handlers: TimeChartHandlers) {
  const drag = useRef<{ start: number; end: number } | null>(null);
  const lastClick = useRef(0);
  const [shown, setShown] = useState<{ x1: number; x2: number } | null>(null);

  // The chart's mouseup and a bar's own click can both report one click: act on the first.
  const click = (t: number, key?: string) => {
    const now = Date.now();
    if (now - lastClick.current < 400) return;
    lastClick.current = now;
    handlers.onBucketClick?.(t, key);
  };

  const reset = () => {
    drag.current = null;
    setShown(null);
  };

  return {
    selection: shown,
    /** For a series element's own onClick (a bar): works even before the chart has tracked the pointer. */
    onItemClick: click,
    chartProps: {
      onMouseDown: (state: MouseHandlerDataParam) => {
        const t = labelOf(state);
        if (t == null) return;
        drag.current = { start: t, end: t };
      },
      onMouseMove: (state: MouseHandlerDataParam) => {
        const d = drag.current;
        const t = labelOf(state);
        if (!d || t == null || t === d.end) return;
        d.end = t;
        setShown(d.start === t ? null : { x1: Math.min(d.start, t), x2: Math.max(d.start, t) });
      },
      onMouseUp: (state: MouseHandlerDataParam) => {
        const d = drag.current;
        const t = labelOf(state) ?? d?.end ?? null;
        if (!d || t == null) return reset();
        if (t === d.start) {
          const key = state?.activeDataKey;
          click(t, typeof key === 'string' ? key : undefined);
        } else {
          handlers.onRangeSelect?.(Math.min(d.start, t), Math.max(d.start, t) + intervalMs);
        }
        reset();
      },
      onMouseLeave: reset,
    },
  };
}
