/** A benchmark's figures as one JSON line, every number rounded to `decimals` places. */
export function figuresJson(figures: Record<string, unknown>, decimals: number): string {
  const scale = 10 ** decimals;
  return JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * scale) / scale : value));
}
