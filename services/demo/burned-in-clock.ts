// The demo encoder burns its wall-clock time into every frame as a row of black and white cells
// across the top of the picture, so a browser can read back when a frame it shows was made.
// Layout, in fractions of the picture (so any rendition of any size reads the same way):
// a black bar of 1/12 of the height; 26 cells of 1/26 of the width; cells 0-23 hold the bits of
// (epoch milliseconds mod 2^24), least significant first; cell 24 is always white, cell 25 always
// black, which tells a reader the bar is there and where white and black lie.

export const clockBits = 24;
export const clockCells = 26;
export const clockBarHeightFraction = 1 / 12;
const modulus = 2 ** clockBits;

/** ffmpeg filters drawing the clock; they need frame timestamps in wall-clock seconds (see demo-encoder.ts). */
export function clockFilters(): string[] {
  const cell = (index: number) => `x=iw*${index}/${clockCells}:y=0:w=iw/${clockCells}:h=ih*${clockBarHeightFraction.toFixed(6)}`;
  const filters = [`drawbox=x=0:y=0:w=iw:h=ih*${clockBarHeightFraction.toFixed(6)}:color=black:t=fill`];
  for (let bit = 0; bit < clockBits; bit++) {
    filters.push(`drawbox=${cell(bit)}:color=white:t=fill:enable='mod(floor(mod(t*1000\\,${modulus})/${2 ** bit})\\,2)'`);
  }
  filters.push(`drawbox=${cell(clockBits)}:color=white:t=fill`);
  return filters;
}

/** Where a reader samples each cell, as fractions of the picture's width and height. */
export function clockSamplePoints(): Array<{ x: number; y: number }> {
  return Array.from({ length: clockCells }, (_, index) => ({ x: (index + 0.5) / clockCells, y: clockBarHeightFraction / 2 }));
}

/**
 * The wall-clock time (ms since the epoch) a frame was made, from the brightness (0-255) sampled
 * at each point of clockSamplePoints(), or null when the bar is not there. `nowMs` resolves the
 * 2^24 ms (4.7 h) wrap: the answer is the latest time at or before `nowMs` with those low bits.
 */
export function decodeClock(brightness: readonly number[], nowMs: number): number | null {
  if (brightness.length !== clockCells) return null;
  const white = brightness[clockBits]!;
  const black = brightness[clockBits + 1]!;
  if (white - black < 100) return null;
  const threshold = (white + black) / 2;
  let value = 0;
  for (let bit = 0; bit < clockBits; bit++) if (brightness[bit]! > threshold) value += 2 ** bit;
  const behind = (((nowMs - value) % modulus) + modulus) % modulus;
  return nowMs - behind;
}
