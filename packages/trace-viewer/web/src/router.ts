import { useEffect, useState } from 'preact/hooks';

// The History API, nothing more: every view has a URL, back and forward work, links open in new tabs.

const CHANGE = 'x-navigate';

/** Goes to `url` in the app; `replace` for changes not worth a back-button step (a selected span). */
export function navigate(url: string, { replace = false } = {}): void {
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event(CHANGE));
}

/** The current path and search, updated on navigation and on back/forward. */
export function useLocation(): { path: string; params: URLSearchParams; href: string } {
  const [href, setHref] = useState(() => location.pathname + location.search);
  useEffect(() => {
    const update = () => setHref(location.pathname + location.search);
    addEventListener('popstate', update);
    addEventListener(CHANGE, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(CHANGE, update);
    };
  }, []);
  const url = new URL(href, location.origin);
  return { path: url.pathname, params: url.searchParams, href };
}

/** A click handler for in-app links: plain clicks navigate, modified clicks stay the browser's. */
export function followLink(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element).closest('a');
  if (anchor === null || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
  if (anchor.pathname.startsWith('/_api/')) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
}

/** A path segment decoded, or `undefined` when its percent-encoding is broken (`%E0%A4`). */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    // URIError: a hand-edited or cut-off address; the caller shows "not found" rather than nothing.
    return undefined;
  }
}

/**
 * The address of a trace (and of one of its spans): ids come from stored data, which need not be
 * hex (a row written by hand through store.write), so they are encoded like any other text.
 */
export function traceHref(traceId: string, spanId?: string): string {
  const path = `/trace/${encodeURIComponent(traceId)}`;
  return spanId === undefined ? path : `${path}?span=${encodeURIComponent(spanId)}`;
}
