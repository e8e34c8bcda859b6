import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { fetchServices } from './api.ts';
import { ComparePage } from './compare/ComparePage.tsx';
import { decodePathSegment, followLink, useLocation } from './router.ts';
import { SearchPage } from './search/SearchPage.tsx';
import { colorsAmong, ServiceColors } from './service-colors.ts';
import { applyTheme, initialTheme, type Theme } from './theme.ts';
import { TraceNotFound, TracePage } from './trace/TracePage.tsx';
import './styles.css';

function App() {
  const { path, params } = useLocation();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    applyTheme(next, true);
    setTheme(next);
  };
  const [services, setServices] = useState<string[]>([]);
  // The store's services, once: their colors are then distinct and the same on every page.
  useEffect(() => {
    fetchServices().then(setServices, () => setServices([]));
  }, []);
  const colorOf = useMemo(() => colorsAmong(services), [services]);
  const traceMatch = /^\/trace\/([^/]+)$/.exec(path);
  const traceId = traceMatch ? decodePathSegment(traceMatch[1]!) : undefined;
  return (
    <ServiceColors.Provider value={colorOf}>
      <div class="app" onClick={followLink}>
        <header class="top-bar">
          <a class="brand" href="/search">x-tracing</a>
          <nav aria-label="Views">
            <a href="/search" aria-current={path === '/search' || path === '/' ? 'page' : undefined}>Search</a>
            <a href="/compare" aria-current={path === '/compare' ? 'page' : undefined}>Compare</a>
          </nav>
          <button type="button" class="theme-toggle" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
        </header>
        {traceMatch && traceId === undefined ? (
          <TraceNotFound address={path} />
        ) : traceId !== undefined ? (
          <TracePage key={traceId} traceId={traceId} spanId={params.get('span') ?? undefined} />
        ) : path === '/compare' ? (
          <ComparePage a={params.get('a') ?? ''} b={params.get('b') ?? ''} />
        ) : (
          <SearchPage params={params} />
        )}
      </div>
    </ServiceColors.Provider>
  );
}

applyTheme(initialTheme(), false);
// The start page is the search: give it its own URL so that reloads and links say what they show.
if (location.pathname === '/') history.replaceState(null, '', `/search${location.search}`);
render(<App />, document.getElementById('app')!);
