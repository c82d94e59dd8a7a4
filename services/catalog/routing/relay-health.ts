// Whether each city relay is up, as the operators' routing page shows it: the catalog asks the
// relay's own /healthz (every role answers one: services/core/http-server.ts) with a short timeout.
// 'up': it answered and every upstream of its own is up; 'upstream-down': it answered, but some of
// its upstreams are down (it plays from the others, or from none when all are); 'unreachable': no
// answer in time, or not a health answer. Asked when the page asks, never stored.

/** Why a relay counts as unreachable, for the page to say in its language; `reason` keeps the detail. */
export type RelayProblem = 'refused' | 'timeout' | 'httpStatus' | 'notHealth' | 'network';

export type RelayState =
  | { status: 'up'; upstreams: { up: number; total: number } }
  | { status: 'upstream-down'; upstreams: { up: number; total: number } }
  | { status: 'unreachable'; problem: RelayProblem; reason: string };

/** How long a relay has to answer; the page waits for the slowest relay, so this stays short. */
const probeMs = 2000;

export async function probeRelay(mediaUrl: string, timeoutMs = probeMs): Promise<RelayState> {
  let body: unknown;
  try {
    const response = await fetch(`${mediaUrl.replace(/\/+$/, '')}/healthz`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { Accept: 'application/json' } });
    if (!response.ok) return { status: 'unreachable', problem: 'httpStatus', reason: `HTTP ${response.status}` };
    body = await response.json().catch(() => undefined);
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { status: 'unreachable', problem: 'timeout', reason: `no answer within ${timeoutMs / 1000} s` };
    // fetch says "fetch failed"; what failed is in its cause (ECONNREFUSED, ENOTFOUND...).
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? cause?.message ?? (error as Error).message;
    return { status: 'unreachable', problem: code === 'ECONNREFUSED' ? 'refused' : 'network', reason: code };
  }
  return stateOf(body);
}

/** The state a /healthz answer tells. Pure. */
export function stateOf(body: unknown): RelayState {
  if (typeof body !== 'object' || body === null || (body as { status?: unknown }).status !== 'ok') return { status: 'unreachable', problem: 'notHealth', reason: 'not a health answer' };
  const listed = (body as { upstreams?: unknown }).upstreams;
  const upstreams = Array.isArray(listed) ? listed.filter((entry): entry is { up: boolean } => typeof entry === 'object' && entry !== null && typeof (entry as { up?: unknown }).up === 'boolean') : [];
  const up = upstreams.filter((entry) => entry.up).length;
  const counts = { up, total: upstreams.length };
  return up < upstreams.length ? { status: 'upstream-down', upstreams: counts } : { status: 'up', upstreams: counts };
}
