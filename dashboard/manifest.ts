/**
 * Every file the dashboard page loads, by URL, with its path from the repository root: the local
 * runner serves them from disk, the AWS dashboard function from its bundle (copied there at synth).
 */
export const DASHBOARD_FILES: Readonly<Record<string, { path: string; type: string }>> = {
  '/': { path: 'dashboard/index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/style.css': { path: 'dashboard/style.css', type: 'text/css; charset=utf-8' },
  '/dashboard/uplot.js': { path: 'node_modules/uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/uplot.css': { path: 'node_modules/uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
  ...Object.fromEntries(
    [
      'app',
      'api',
      'format',
      'panels/vitals',
      'panels/pages',
      'panels/page-view',
      'panels/timeline',
      'panels/database',
      'panels/pool',
      'panels/errors',
      'panels/js-errors',
      'panels/releases',
      'panels/lists',
    ].map((name) => [`/dashboard/${name}.js`, { path: `dashboard/${name}.js`, type: 'text/javascript; charset=utf-8' }]),
  ),
};
