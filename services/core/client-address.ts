// A socket's peer address as limits and logs count it: IPv4 clients of a dual-stack listener arrive
// as ::ffff:a.b.c.d and count as a.b.c.d, whether they reach the RTMP port, the tracker or /hands.

/** `remoteAddress` without its IPv4-mapped prefix; 'unknown' for a socket already gone. */
export function clientAddress(remoteAddress: string | undefined): string {
  return (remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}
