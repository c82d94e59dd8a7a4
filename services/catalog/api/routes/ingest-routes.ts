// POST /ingest/assignment: which ingest node a classroom's encoder should push to, asked before
// each (re)connect. The stream key is the credential, so the route is public; a key that matches
// no classroom gets the same 404 whether or not anything is near it. The classroom keeps its node
// while that node is up, else moves to the least loaded node that is (classroom-assignment.ts).
import { z } from 'zod';
import { assignClassroom, classroomForStreamKey } from '../../ingest/classroom-assignment.ts';
import { ApiError } from '../api-error.ts';
import { streamKeyField } from '../fields.ts';
import { route, type RouteSpec } from '../route-spec.ts';

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
    async handler({ body, context }) {
      const classroomId = await classroomForStreamKey(context.db, body.streamKey);
      if (!classroomId) throw new ApiError(404, 'no classroom has this stream key', "check the key in the school's classroom page; it may have been rotated");
      const { node } = await assignClassroom(context.db, classroomId, context.config.ingest.nodeDownSeconds);
      if (!node) throw new ApiError(503, 'no ingest node is up', 'retry in a few seconds; if it persists, tell the operators (every ingest node has missed its heartbeat)');
      return { body: { classroomId, node: node.id, rtmpUrl: node.rtmpUrl, pushUrl: `${node.rtmpUrl}/${body.streamKey}` } };
    },
  }),
];
