// POST /ingest/assignment: which ingest node a classroom's encoder should push to, asked before
// each (re)connect. The stream key is the credential, so the route is public; a key that matches
// no classroom gets the same 404 whether or not anything is near it. The classroom keeps its node
// while that node is up, else moves to the least loaded node that is (classroom-assignment.ts).
// Being public and keyed by a secret, it is throttled per address (a token bucket, like sign-in):
// an encoder asks once per connect, a school's classrooms behind one NAT reconnecting at once fit
// in the burst, and a guesser gets about one try a second.
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { createTokenBucket, type RateLimit, type TokenBucket } from '../../../core/token-bucket.ts';
import { assignClassroom, classroomForStreamKey } from '../../ingest/classroom-assignment.ts';
import { ApiError } from '../api-error.ts';
import { streamKeyField } from '../fields.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';

/** Assignment questions one address may ask: a burst, then this many a second. */
export const assignmentRatePerIp: RateLimit = { burst: 60, perSecond: 1 };
/** Addresses remembered at once (least recently seen forgotten first), so a flood of addresses costs a fixed amount. */
const throttledAddresses = 10_000;

/** One table per catalog (keyed by its database), so tests with several catalogs don't share one. */
const throttles = new WeakMap<object, LRUCache<string, TokenBucket>>();
function assignmentAllowed(context: CatalogContext, address: string, now: number): boolean {
  let buckets = throttles.get(context.db);
  if (!buckets) throttles.set(context.db, (buckets = new LRUCache<string, TokenBucket>({ max: throttledAddresses })));
  let bucket = buckets.get(address);
  if (!bucket) buckets.set(address, (bucket = createTokenBucket(assignmentRatePerIp, now)));
  return bucket.take(now);
}

const assignmentBody = z.object({ streamKey: streamKeyField.describe("the classroom's primary or backup stream key") }).strict();

const assignmentSchema = z.object({
  classroomId: z.string(),
  node: z.string().describe('the ingest node that carries the classroom now'),
  rtmpUrl: z.string().describe('where that node takes pushes, without the key, e.g. rtmp://ingest-1.example:1935/live'),
  pushUrl: z.string().describe('rtmpUrl + "/" + streamKey: the URL to push to'),
});

export const ingestRoutes: RouteSpec[] = [
  route<undefined, z.infer<typeof assignmentBody>>({
    method: 'post',
    path: '/ingest/assignment',
    summary: "The ingest node a classroom's encoder should push to now (ask before each connect and reconnect)",
    tag: 'ingest',
    // The stream key in the body is the credential: encoders have no account.
    access: 'public',
    body: assignmentBody,
    response: assignmentSchema,
    async handler({ body, context, request, response }) {
      if (!assignmentAllowed(context, request.ip ?? request.socket.remoteAddress ?? 'unknown', Date.now())) {
        const retryAfterSeconds = Math.ceil(1 / assignmentRatePerIp.perSecond);
        response.set('Retry-After', String(retryAfterSeconds));
        throw new ApiError(429, `too many assignment requests from this address; try again in ${retryAfterSeconds} s`, 'an encoder asks once per connect; wait the Retry-After seconds before asking again');
      }
      const classroomId = await classroomForStreamKey(context.db, body.streamKey);
      if (!classroomId) throw new ApiError(404, 'no classroom has this stream key', "check the key in the school's classroom page; it may have been rotated");
      const { node } = await assignClassroom(context.db, classroomId, context.config.ingest.nodeDownSeconds);
      if (!node) throw new ApiError(503, 'no ingest node is up', 'retry in a few seconds; if it persists, tell the operators (every ingest node has missed its heartbeat)');
      return { body: { classroomId, node: node.id, rtmpUrl: node.rtmpUrl, pushUrl: `${node.rtmpUrl}/${body.streamKey}` } };
    },
  }),
];
