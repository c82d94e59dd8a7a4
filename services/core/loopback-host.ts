// Whether a URL names this machine only (loopback): an RTMP address like that works for an encoder on
// the same machine and for no other. Pure and import-free, so the school page bundles it too.

/** `hostname` as URL parses it: "127.0.0.1", "localhost", "[::1]". */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Whether the URL's host is loopback; false for text that is not a URL. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
