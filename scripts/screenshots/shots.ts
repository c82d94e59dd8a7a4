// Where screenshots go (scratch/shots/, ignored by git) and the two screens they are taken at.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const shotsDir = process.env.CLASSCAST_SCREENSHOTS ?? fileURLToPath(new URL('../../scratch/shots/', import.meta.url));

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export type ViewportName = keyof typeof viewports;

/** Saves the whole page as <shotsDir>/<name>.png and returns the file's path. */
export async function saveShot(page: Page, name: string): Promise<string> {
  mkdirSync(shotsDir, { recursive: true });
  const path = `${shotsDir.replace(/\/$/, '')}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
