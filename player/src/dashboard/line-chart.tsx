// The dashboard's one chart: time on x, one line per series, drawn as inline SVG at the size of its
// box (measured, so labels stay readable on a phone), with a legend giving each series' value now.
// Every chart on the dashboard goes through this file, so moving to a chart library (uPlot) is a
// change here only: the props are already uPlot's shape (shared x times, one y array per series).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { axisScale, clockTime, unknown } from './dashboard-format.ts';

export type ChartSeries = { label: string; values: ReadonlyArray<number | null> };

type Props = {
  title: string;
  /** Milliseconds since the epoch, oldest first; one y value per time in each series. */
  times: readonly number[];
  series: readonly ChartSeries[];
  format: (value: number) => string;
  /** A fixed top (1 for shares); otherwise from the data. */
  max?: number;
  height?: number;
};

const palette = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4', '#6e7781'];
const margin = { top: 10, right: 12, bottom: 22 };
/** About the width of one digit of the 11px axis labels, to make room for the longest. */
const labelCharPx = 6.6;

export function LineChart({ title, times, series, format, max, height = 170 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);

  const values = series.flatMap((line) => line.values.filter((value): value is number => value !== null));
  const hasData = times.length > 0 && values.length > 0;
  const { top, step } = axisScale(max ?? Math.max(0, ...values));
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
  const left = 10 + Math.max(...ticks.map((tick) => format(tick).length)) * labelCharPx;
  const plotWidth = Math.max(0, width - left - margin.right);
  const plotHeight = height - margin.top - margin.bottom;
  const first = times[0] ?? 0;
  const span = Math.max(1, (times.at(-1) ?? 0) - first);
  const x = (time: number) => left + ((time - first) / span) * plotWidth;
  // Under ten minutes of history, minutes alone would repeat.
  const timeLabel = (time: number) => clockTime(time, span < 10 * 60_000);
  const y = (value: number) => margin.top + plotHeight - (Math.min(value, top) / top) * plotHeight;
  const timeTicks = times.length < 2 ? times : [0, 1, 2, 3].map((index) => first + (span * index) / 3);

  return (
    <figure class="chart" data-chart={title}>
      <figcaption class="chart-title">{title}</figcaption>
      <div class="chart-box" ref={box} style={{ height: `${height}px` }}>
        {!hasData && <p class="chart-empty muted">{t('dashboard.noData')}</p>}
        {hasData && width > 0 && (
          <svg width={width} height={height} role="img" aria-label={title}>
            {ticks.map((tick) => (
              <g key={tick}>
                <line x1={left} x2={left + plotWidth} y1={y(tick)} y2={y(tick)} class="chart-grid" />
                <text x={left - 6} y={y(tick) + 4} text-anchor="end" class="chart-label">
                  {format(tick)}
                </text>
              </g>
            ))}
            {timeTicks.map((time, index) => (
              <text key={time} x={x(time)} y={height - 6} text-anchor={index === 0 ? 'start' : index === timeTicks.length - 1 ? 'end' : 'middle'} class="chart-label">
                {timeLabel(time)}
              </text>
            ))}
            {series.map((line, index) => (
              <Line key={line.label} values={line.values} times={times} x={x} y={y} color={palette[index % palette.length]!} />
            ))}
          </svg>
        )}
      </div>
      <ul class="chart-legend">
        {series.map((line, index) => {
          // The value at the snapshot's instant (the window's last point is `now`, snapshot-window.ts), so legends agree with the tiles.
          const last = line.values.at(-1);
          return (
            <li key={line.label} data-series={line.label}>
              <span class="chart-swatch" style={{ background: palette[index % palette.length] }} />
              {line.label} <strong>{last === undefined || last === null ? unknown : format(last)}</strong>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}

/** One series: a path broken where values are missing, and a dot where a value stands alone. */
function Line({ values, times, x, y, color }: { values: ReadonlyArray<number | null>; times: readonly number[]; x: (time: number) => number; y: (value: number) => number; color: string }) {
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((value, index) => {
    if (value === null || times[index] === undefined) {
      if (run.length > 0) runs.push(run);
      run = [];
      return;
    }
    run.push([x(times[index]!), y(value)]);
  });
  if (run.length > 0) runs.push(run);
  return (
    <g>
      {runs.map((points, index) =>
        points.length === 1 ? (
          <circle key={index} cx={points[0]![0]} cy={points[0]![1]} r={2.5} fill={color} />
        ) : (
          <polyline key={index} points={points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')} fill="none" stroke={color} stroke-width={2} stroke-linejoin="round" />
        ),
      )}
    </g>
  );
}
