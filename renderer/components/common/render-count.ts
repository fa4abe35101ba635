import { useLayoutEffect } from 'react';

declare global {
  interface Window {
    __renderCounts?: Record<string, number>;
  }
}

/**
 * The browser test proves that a snapshot with unchanged figures commits no render of the
 * figures that did not change; React's Profiler is silent in production builds, so the components
 * it watches count their own commits. Only a page opened with `?renderCounts` in its address keeps
 * the counts (in window.__renderCounts); for everyone else this is one boolean test per commit.
 */
const counting = typeof location !== 'undefined' && new URLSearchParams(location.search).has('renderCounts');

export function useRenderCount(name: string): void {
  useLayoutEffect(() => {
    if (!counting) return;
    const counts = (window.__renderCounts ??= {});
    counts[name] = (counts[name] ?? 0) + 1;
  });
}
