'use client';

import { useState } from 'react';
import type { MouseHandlerDataParam } from 'recharts';
import type { TimeChartHandlers } from './types';

function labelOf(state: MouseHandlerDataParam | null | undefined): number | null {
  const v = state?.activeLabel;
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Drag across a time chart to pick a range; a press and release on one bucket is a click on it. */
export function useRangeSelection(intervalMs: number, handlers: TimeChartHandlers) {
  const [start, setStart] = useState<number | null>(null);
  const [end, setEnd] = useState<number | null>(null);

  const reset = () => {
    setStart(null);
    setEnd(null);
  };

  return {
    selection: start != null && end != null && start !== end ? { x1: Math.min(start, end), x2: Math.max(start, end) } : null,
    chartProps: {
      onMouseDown: (state: MouseHandlerDataParam) => {
        const t = labelOf(state);
        if (t == null) return;
        setStart(t);
        setEnd(t);
      },
      onMouseMove: (state: MouseHandlerDataParam) => {
        if (start == null) return;
        const t = labelOf(state);
        if (t != null) setEnd(t);
      },
      onMouseUp: (state: MouseHandlerDataParam) => {
        const t = labelOf(state) ?? end;
        if (start == null || t == null) return reset();
        if (t === start) {
          const key = state?.activeDataKey;
          handlers.onBucketClick?.(t, typeof key === 'string' ? key : undefined);
        } else {
          handlers.onRangeSelect?.(Math.min(start, t), Math.max(start, t) + intervalMs);
        }
        reset();
      },
      onMouseLeave: reset,
    },
  };
}
