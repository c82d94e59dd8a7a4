// How the dashboard writes its figures: bit rates, shares, seconds, clock times, "—" for unknown,
// in the page's language and the province's time zone. Pure, so it is tested without a browser.
import { i18n, t } from '../i18n/i18n.ts';

export const unknown = '—';

const known = (value: number | null | undefined): value is number => value !== null && value !== undefined && Number.isFinite(value);

/** Bytes per second as bits per second: "812 kbit/s", "24.3 Mbit/s". */
export function bitsPerSecond(bytesPerSecond: number | null | undefined): string {
  if (!known(bytesPerSecond)) return unknown;
  const bits = bytesPerSecond * 8;
  if (bits >= 1e9) return t('unit.gbps', { gbps: bits / 1e9 });
  if (bits >= 1e6) return t('unit.mbps', { mbps: bits / 1e6 });
  if (bits >= 1e3) return t('unit.kbps', { kbps: bits / 1e3 });
  return t('unit.bps', { bps: bits });
}

export function kbps(value: number | null | undefined): string {
  return !known(value) ? unknown : value >= 10_000 ? t('unit.mbps', { mbps: value / 1000 }) : t('unit.kbps', { kbps: value });
}

/** 0.934 -> "93.4%". */
export function percent(share: number | null | undefined, digits = 1): string {
  return !known(share) ? unknown : i18n().number(share, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function seconds(value: number | null | undefined): string {
  if (!known(value)) return unknown;
  return t('unit.seconds', { seconds: value < 10 ? Math.round(value * 10) / 10 : Math.round(value) });
}

export function decimal(value: number | null | undefined, digits = 1): string {
  return !known(value) ? unknown : i18n().number(value, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
}

export function count(value: number | null | undefined): string {
  return !known(value) ? unknown : i18n().number(Math.round(value));
}

/** "14:05" (or "14:05:30" with seconds) in the province's time zone. */
export function clockTime(at: number, withSeconds = false): string {
  return i18n().clock(at, withSeconds);
}

/** Three or four round steps for an axis from 0 to at least `max`: the top and the step. */
export function axisScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.5 };
  const rough = max / 3;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  return { top: Math.ceil(max / step) * step, step };
}
