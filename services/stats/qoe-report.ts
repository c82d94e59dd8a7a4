// What the watch page reports every 10 s and when it leaves (docs/api.md, POST /api/v1/qoe), and its
// validation: strict, every number bounded, every string shaped, so a report can neither carry a
// surprise field nor put an arbitrary string into a metric label. Counts are cumulative since the
// page loaded; the viewer id is random per page load and only keys the rate limit and the session.
// It comes signed with the page (`session`, services/core/viewer-session.ts), and a protected
// lesson's report carries the viewer's playback token: qoe-routes.ts checks both.
import { z } from 'zod';

const count = (max: number) => z.number().int().min(0).max(max);
const seconds = z.number().min(0).max(7 * 24 * 3600);
/** A week of 100 Mbit/s: far beyond any real page, small enough to stay exact in a double. */
const bytes = count(8e12);
const placeId = z.number().int().min(1).max(2_147_483_647).nullable();

export const qoeReportSchema = z
  .object({
    viewerId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8 to 64 letters, digits, _ or -'),
    /** The signed viewer session the watch page was drawn with; '' from a page that had none. */
    session: z.string().regex(/^(vs1\.[a-f0-9]{32}\.\d{1,12}\.[A-Za-z0-9_-]{43})?$/, 'expected the viewer session of the watch page').default(''),
    /** The lesson's playback token (protected lessons). */
    token: z.string().regex(/^[A-Za-z0-9._-]{1,400}$/, 'expected a playback token').optional(),
    lessonId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,95}$/, 'expected a lesson id'),
    /** The lesson's city and school as the page knows them (from the catalog); null when it does not. */
    cityId: placeId.default(null),
    schoolId: placeId.default(null),
    event: z.enum(['periodic', 'leave']),
    /** From asking to play to the first picture; null while it has not played yet. */
    startupMs: z.number().min(0).max(600_000).nullable(),
    playingSeconds: seconds,
    stalledSeconds: seconds,
    stallCount: count(1_000_000),
    currentRendition: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'expected a rendition name').nullable(),
    bitrateKbps: z.number().min(0).max(1_000_000).nullable(),
    httpBytes: bytes,
    p2pBytesDown: bytes,
    p2pBytesUp: bytes,
    errors: count(1_000_000),
  })
  .strict();

export type QoeReport = z.infer<typeof qoeReportSchema>;

export type ParsedReport = { ok: true; report: QoeReport } | { ok: false; message: string };

/** The report, or what is wrong with it, naming the field. */
export function parseQoeReport(body: unknown): ParsedReport {
  const result = qoeReportSchema.safeParse(body);
  if (result.success) return { ok: true, report: result.data };
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return { ok: false, message: `unknown field ${issue.keys.join(', ')}` };
  return { ok: false, message: field ? `${field}: ${issue.message}` : issue.message };
}
