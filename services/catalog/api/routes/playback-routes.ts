// GET /lessons/:id/playback and /recordings/:id/playback: the playback token a viewer needs for a
// lesson that is not public (a school's own or protected lessons), live or replayed, issued to an
// account allowed to watch it. The token is stateless (core/playback-token.ts): origin, relays and
// trackers check it with the shared secrets alone. It is bound to the viewer's city when the viewer
// belongs to a school, so it does not work through another city's relay. Watch pages ask again
// before `expiresAt` to keep playing (player/src/playback-token.ts).
import { z } from 'zod';
import type { Account } from '../../auth/account.ts';
import { queryOne, type Queryable } from '../../db/database.ts';
import { getLesson } from '../../queries/lessons.ts';
import { getRecording } from '../../queries/recordings.ts';
import { playbackSettingsFrom } from '../../../core/config/playback-settings.ts';
import { signPlaybackToken, type PlaybackScope } from '../../../core/playback-token.ts';
import { forbidden, notFound, unauthorized } from '../api-error.ts';
import { lessonIdPattern, pathSlug } from '../fields.ts';
import { mayReadLesson } from '../permissions.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';

const playbackSchema = z.object({
  token: z.string(),
  expiresAt: z.string().describe('ISO time after which the token is refused; ask again before then'),
  masterUrl: z.string().describe('the master playlist with the token; send the same ?token= with every media request'),
  protected: z.boolean().describe('whether the lesson needs the token at all (false: public)'),
});

/** The same pattern as the check in migrations/003_recordings.sql. */
const recordingIdPattern = /^[a-z0-9][a-z0-9-]{0,127}$/;

export const playbackRoutes: RouteSpec[] = [
  route({
    method: 'get',
    path: '/lessons/:id/playback',
    summary: 'A playback token for a lesson the caller may watch (needed for school and protected lessons)',
    tag: 'lessons',
    // Asked like reading the lesson, so each answer is honest: 404 when there is no such lesson, 401
    // only where signing in would help (it exists and is for its school), 403 another school.
    access: 'public',
    response: playbackSchema,
    async handler({ params, account, context }) {
      const id = pathSlug(params.id, 'lesson', lessonIdPattern);
      const found = await getLesson(context.db, id);
      if (!found) throw notFound('lesson', id);
      const { lesson } = found;
      if (!mayReadLesson(account, lesson)) throw account ? forbidden('this lesson is for its school only') : unauthorized();
      return { body: await playback(context, account, 'live', lesson.id, lesson.masterUrl, lesson.visibility !== 'public') };
    },
  }),
  route({
    method: 'get',
    path: '/recordings/:id/playback',
    summary: "A playback token for a recording's replay the caller may watch (needed when its lesson is not public)",
    tag: 'recordings',
    // Like reading the recording: anyone for a public lesson's replay, so its page plays signed out.
    access: 'public',
    response: playbackSchema,
    async handler({ params, account, context }) {
      const id = pathSlug(params.id, 'recording', recordingIdPattern);
      const found = await getRecording(context.db, id);
      if (!found) throw notFound('recording', id);
      if (!mayReadLesson(account, found.lesson)) throw account ? forbidden('this recording is for its school only') : unauthorized();
      return { body: await playback(context, account, 'vod', id, `/vod/${id}/master.m3u8`, found.lesson.visibility !== 'public') };
    },
  }),
];

async function playback(
  context: CatalogContext,
  account: Account | null,
  scope: PlaybackScope,
  id: string,
  masterUrl: string,
  isProtected: boolean,
): Promise<z.infer<typeof playbackSchema>> {
  const settings = context.playback ?? playbackSettingsFrom(context.config);
  const city = account?.schoolId != null ? await viewerCity(context.db, account.schoolId) : undefined;
  const expiresAt = Math.floor(Date.now() / 1000) + settings.tokenTtlSeconds;
  const token = signPlaybackToken(settings.secrets, { scope, id, expiresAt, ...(city !== undefined ? { city } : {}) });
  return { token, expiresAt: new Date(expiresAt * 1000).toISOString(), masterUrl: `${masterUrl}?token=${encodeURIComponent(token)}`, protected: isProtected };
}

async function viewerCity(db: Queryable, schoolId: number): Promise<string | undefined> {
  const row = await queryOne<{ city_id: number }>(db, 'select city_id from schools where id = $1', [schoolId]);
  return row ? String(row.city_id) : undefined;
}
