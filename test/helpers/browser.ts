// Headless Debian Chromium driven by playwright-core, with the flags this machine needs. Its
// language is pinned to English (US), so pages speak English to the tests whatever the machine's
// LANG; the i18n tests ask for zh-CN or en-US through the browser context's locale.
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--lang=en-US', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
}
