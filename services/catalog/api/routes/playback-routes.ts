// GET /lessons/:id/playback: the playback token a viewer needs for a lesson that is not public (a
// school's own or protected lessons), issued to a signed-in account allowed to watch it. The token is
// stateless (core/playback-token.ts): origin, relays and trackers check it with the shared secrets
// alone. It is bound to the viewer's city when the viewer belongs to a school, so it does not work
// through another city's relay.
import { z } from 'zod';
import { queryOne, type Queryable } from '../../db/database.ts';
import { getLesson } from '../../queries/lessons.ts';
import { playbackSettingsFrom } from '../../../core/playback-settings.ts';
import { signPlaybackToken } from '../../../core/playback-token.ts';
import { forbidden, notFound } from '../api-error.ts';
import { lessonIdPattern, pathSlug } from '../fields.ts';
import { mayReadLesson } from '../permissions.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const playbackSchema = z.object({
  token: z.string(),
  expiresAt: z.string().describe('ISO time after which the token is refused; ask again before then'),
  masterUrl: z.string().describe('the master playlist with the token; send the same ?token= with every media request'),
  protected: z.boolean().describe('whether the lesson needs the token at all (false: public)'),
});

export const playbackRoutes: RouteSpec[] = [
  route({
    method: 'get',
    path: '/lessons/:id/playback',
    summary: 'A playback token for a lesson the caller may watch (needed for school and protected lessons)',
    tag: 'lessons',
    access: 'signed-in',
    response: playbackSchema,
    async handler({ params, account, context }) {
      const id = pathSlug(params.id, 'lesson', lessonIdPattern);
      const found = await getLesson(context.db, id);
      if (!found) throw notFound('lesson', id);
      const { lesson } = found;
      if (!mayReadLesson(account, lesson)) throw forbidden('this lesson is for its school only');
      const settings = context.playback ?? playbackSettingsFrom(context.config);
      const city = account?.schoolId != null ? await viewerCity(context.db, account.schoolId) : undefined;
      const expiresAt = Math.floor(Date.now() / 1000) + settings.tokenTtlSeconds;
      const token = signPlaybackToken(settings.secrets, { scope: 'live', id: lesson.id, expiresAt, ...(city !== undefined ? { city } : {}) });
      return {
        body: {
          token,
          expiresAt: new Date(expiresAt * 1000).toISOString(),
          masterUrl: `${lesson.masterUrl}?token=${encodeURIComponent(token)}`,
          protected: lesson.visibility !== 'public',
        },
      };
    },
  }),
];

async function viewerCity(db: Queryable, schoolId: number): Promise<string | undefined> {
  const row = await queryOne<{ city_id: number }>(db, 'select city_id from schools where id = $1', [schoolId]);
  return row ? String(row.city_id) : undefined;
}
