import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, token } from './api.js';
import { RunsList } from './views/RunsList.js';
import { RunPage } from './views/RunPage.js';
import { LogPage } from './views/LogPage.js';
import { WorkflowsPage } from './views/WorkflowsPage.js';
import './style.css';

/** Views live in the hash (`#/run/ID`), so the server serves one page and a reload keeps the view. */
const useRoute = (): string[] => {
  const parse = () => location.hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
};

type Theme = 'light' | 'dark' | 'auto';

const ThemeToggle = () => {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('hyperp-theme') as Theme | null) ?? 'auto');
  useEffect(() => {
    if (theme === 'auto') delete document.documentElement.dataset['theme'];
    else document.documentElement.dataset['theme'] = theme;
    localStorage.setItem('hyperp-theme', theme);
  }, [theme]);
  const next: Record<Theme, Theme> = { auto: 'light', light: 'dark', dark: 'auto' };
  return <button type="button" class="ghost" onClick={() => setTheme(next[theme])} title="light, dark, or as the system says">theme: {theme}</button>;
};

const App = () => {
  const route = useRoute();
  const [info, setInfo] = useState<{ mode: string; where: string } | null>(null);
  useEffect(() => void getJson<{ mode: string; where: string }>('info').then(setInfo, () => setInfo(null)), []);
  if (!token) {
    return <main class="page"><h1>hyperp</h1><p class="problem">This page needs the session's token: open the URL that <code>hyperp ui</code> printed.</p></main>;
  }
  const [view, ...rest] = route;
  let body;
  if (view === 'run' && rest[0] && rest[1] === 'log' && rest[2]) body = <LogPage key={route.join('/')} runId={rest[0]} job={rest[2]} index={Number(rest[3] ?? 1)} attempt={rest[4] ? Number(rest[4]) : undefined} />;
  else if (view === 'run' && rest[0]) body = <RunPage key={rest[0]} runId={rest[0]} />;
  else if (view === 'workflows') body = <WorkflowsPage />;
  else body = <RunsList />;
  return (
    <>
      <header class="top">
        <a href="#/" class="brand">hyperp</a>
        <nav aria-label="views">
          <a href="#/" aria-current={view !== 'workflows' ? 'page' : undefined}>Runs</a>
          <a href="#/workflows" aria-current={view === 'workflows' ? 'page' : undefined}>Workflows</a>
        </nav>
        <span class="where" title={info?.where}>{info ? `${info.mode === 'local' ? 'this machine' : 'deployment'}: ${info.where}` : ''}</span>
        <ThemeToggle />
      </header>
      <main class="page">{body}</main>
    </>
  );
};

render(<App />, document.getElementById('app')!);
