// The dashboard's own styles, put in the page by the page itself (a <style> element), so the shared
// shell and site.css stay as every other page has them.
export const dashboardStyles = `
.dashboard-bar { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; justify-content: space-between; margin-bottom: 1rem; }
.dashboard-updated { font-size: 0.85rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: 0.75rem; margin-bottom: 1.25rem; }
.tile { background: var(--surface); border: 1px solid var(--line); border-radius: 0.6rem; padding: 0.7rem 0.9rem; }
.tile-label { display: block; font-size: 0.78rem; color: var(--muted); }
.tile-value { display: block; font-size: 1.45rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.dashboard-section { margin-bottom: 1.5rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 0.75rem; }
.chart { margin: 0; background: var(--surface); border: 1px solid var(--line); border-radius: 0.6rem; padding: 0.75rem; min-width: 0; }
.chart-title { font-weight: 600; font-size: 0.9rem; margin-bottom: 0.35rem; }
.chart-box { position: relative; width: 100%; }
.chart-box svg { display: block; }
.chart-empty { position: absolute; inset: 0; display: grid; place-items: center; margin: 0; }
.chart-grid { stroke: var(--line); stroke-width: 1; }
.chart-label { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
.chart-legend { list-style: none; margin: 0.4rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; font-size: 0.8rem; color: var(--muted); }
.chart-legend strong { color: var(--text); font-variant-numeric: tabular-nums; }
.chart-swatch { display: inline-block; width: 0.7rem; height: 0.22rem; border-radius: 0.1rem; margin-right: 0.3rem; vertical-align: 0.2rem; }
.ranking { list-style: none; margin: 0; padding: 0; }
.ranking li { display: grid; grid-template-columns: 1fr auto; gap: 0.5rem; padding: 0.3rem 0; border-bottom: 1px solid var(--line); font-size: 0.9rem; }
.ranking li:last-child { border-bottom: 0; }
.ranking-bar { grid-column: 1 / -1; height: 0.3rem; border-radius: 0.15rem; background: var(--accent); opacity: 0.7; }
.alarms { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
.alarm { background: var(--surface); border: 1px solid var(--line); border-left: 0.3rem solid var(--warn); border-radius: 0.5rem; padding: 0.6rem 0.8rem; }
.alarm[data-severity='critical'] { border-left-color: var(--danger); }
.alarm-head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; }
.alarm-subject { font-weight: 600; }
.alarm-message { margin: 0.2rem 0 0; font-size: 0.9rem; }
.badge-warning { background: var(--warn); }
.badge-ok { background: var(--ok); }
.ingest-table td { font-variant-numeric: tabular-nums; }
.table-scroll { overflow-x: auto; }
`;
