// How the dashboard writes its figures: bit rates, shares, seconds, clock times, "—" for unknown.
// Pure, so it is tested without a browser.

export const unknown = '—';

/** Bytes per second as bits per second: "812 kbit/s", "24.3 Mbit/s". */
export function bitsPerSecond(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) return unknown;
  const bits = bytesPerSecond * 8;
  if (bits >= 1e9) return `${(bits / 1e9).toFixed(2)} Gbit/s`;
  if (bits >= 1e6) return `${(bits / 1e6).toFixed(1)} Mbit/s`;
  if (bits >= 1e3) return `${Math.round(bits / 1e3)} kbit/s`;
  return `${Math.round(bits)} bit/s`;
}

export function kbps(value: number | null | undefined): string {
  return value === null || value === undefined ? unknown : value >= 10_000 ? `${(value / 1000).toFixed(1)} Mbit/s` : `${Math.round(value)} kbit/s`;
}

/** 0.934 -> "93.4%". */
export function percent(share: number | null | undefined, digits = 1): string {
  return share === null || share === undefined || !Number.isFinite(share) ? unknown : `${(share * 100).toFixed(digits)}%`;
}

export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return unknown;
  return value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`;
}

export function decimal(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? unknown : value.toFixed(digits);
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? unknown : Math.round(value).toLocaleString('en-GB');
}

/** "14:05" (or "14:05:30" with seconds), in the browser's time zone (or the one given, for tests). */
export function clockTime(at: number, timeZone?: string, withSeconds = false): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), hourCycle: 'h23', timeZone }).format(new Date(at));
}

/** Three or four round steps for an axis from 0 to at least `max`: the top and the step. */
export function axisScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.5 };
  const rough = max / 3;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  return { top: Math.ceil(max / step) * step, step };
}
