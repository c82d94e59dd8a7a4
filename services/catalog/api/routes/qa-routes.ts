// The live classroom's questions and comments (issue 19, docs/classroom.md). Viewers post and
// upvote here (rate-limited per viewer, address and lesson; length-bounded; refused when muted,
// closed or in slow mode, each with a message); the lesson's teacher and its school's admins (and
// operators) moderate: answer in text, pin, mark answered, hide, mute an author for the lesson, slow
// mode, close questions. Every change lands in the audit log (mount-routes.ts). Viewers READ the
// feed at /live/<lesson>/qa.json from the relay they play from, not here (origin/qa-feed-route.ts);
// the console reads its fuller view here.
import { z } from 'zod';
import type { Request } from 'express';
import type { Account } from '../../auth/account.ts';
import type { Queryable } from '../../db/database.ts';
import { getLesson, type Lesson } from '../../queries/lessons.ts';
import { getRecording } from '../../queries/recordings.ts';
import {
  addQaVote,
  changeQaItem,
  getQaItem,
  getQaSettings,
  insertQaItem,
  isMuted,
  keptQaItems,
  lastPostAt,
  listQaItems,
  mutedAuthors,
  muteAuthor,
  qaKinds,
  saveQaSettings,
  unmuteAuthor,
  type QaItemRecord,
} from '../../queries/qa.ts';
import { consoleItems, feedItem, feedItemLimit, replayMoments } from '../../qa/qa-feed.ts';
import { qaCounts, type QaModerationAction, type QaRefusal } from '../../qa/qa-counts.ts';
import { createPostLimits, type PostLimits } from '../../qa/post-limits.ts';
import { ApiError, forbidden, notFound, unauthorized } from '../api-error.ts';
import { lessonIdPattern, pathId, pathSlug } from '../fields.ts';
import { mayChangeLesson, mayReadLesson } from '../permissions.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';

const tag = 'qa';
/** Generous on purpose: the configured bound (qa.maxLength) is checked in the handler, to answer 413 with a message. */
const rawText = z.string().max(64 * 1024);

const postBody = z
  .object({
    kind: z.enum(qaKinds),
    text: rawText,
    displayName: z.string().trim().min(1, 'must not be empty').max(40, 'at most 40 characters').optional().describe('the name shown for a viewer who is not signed in (only where the lesson allows anonymous posts)'),
  })
  .strict();
const answerBody = z.object({ answer: z.string().trim().max(2000, 'at most 2000 characters').nullable().optional(), answered: z.boolean().optional() }).strict();
/** A body of one boolean flag, e.g. {"pinned": true}. */
function flagBody<N extends 'pinned' | 'hidden' | 'muted'>(name: N): z.ZodType<Record<N, boolean>> {
  return z.object({ [name]: z.boolean() }).strict() as unknown as z.ZodType<Record<N, boolean>>;
}
const settingsBody = z
  .object({
    slowModeSeconds: z.number().int().min(0).max(3600).optional(),
    questionsClosed: z.boolean().optional(),
    anonymousAllowed: z.boolean().optional(),
  })
  .strict();

const itemSchema = z.object({ id: z.number(), kind: z.enum(qaKinds), body: z.string(), author: z.string(), votes: z.number(), at: z.string(), atSeconds: z.number().nullable(), pinned: z.boolean(), answered: z.boolean(), answer: z.string().nullable() });
const settingsSchema = z.object({ slowModeSeconds: z.number(), questionsClosed: z.boolean(), anonymousAllowed: z.boolean() });

const limitsByConfig = new WeakMap<object, PostLimits>();
function postLimits(context: CatalogContext): PostLimits {
  let limits = limitsByConfig.get(context.config);
  if (!limits) limitsByConfig.set(context.config, (limits = createPostLimits(context.config.qa)));
  return limits;
}

type LoadedLesson = { lesson: Lesson; teacherAccountId: number | null };

async function loadLesson(db: Queryable, rawId: string | undefined): Promise<LoadedLesson> {
  const id = pathSlug(rawId, 'lesson', lessonIdPattern);
  const found = await getLesson(db, id);
  if (!found) throw notFound('lesson', id);
  return found;
}

async function loadItem(db: Queryable, lessonId: string, rawId: string | undefined): Promise<QaItemRecord> {
  const id = pathId(rawId, 'item');
  const item = await getQaItem(db, lessonId, id);
  if (!item) throw new ApiError(404, `lesson ${lessonId} has no question or comment ${id}`, `read them at /live/${lessonId}/qa.json`);
  return item;
}

function refuse(reason: QaRefusal, status: number, message: string, hint?: string): never {
  qaCounts.refused[reason]++;
  throw new ApiError(status, message, hint);
}

/** Who is posting or voting: their account, or (where the lesson allows it) their address under a name they gave. */
async function viewerOf(context: CatalogContext, found: LoadedLesson, account: Account | null, request: Request, displayName: string | undefined): Promise<{ key: string; name: string; accountId: number | null; address: string }> {
  const { lesson } = found;
  const address = request.ip ?? 'unknown';
  if (!mayReadLesson(account, lesson)) throw account ? forbidden('this lesson is for its school only') : unauthorized();
  if (account) return { key: `account:${account.id}`, name: account.displayName || account.username, accountId: account.id, address };
  const settings = await getQaSettings(context.db, lesson.id);
  if (!settings.anonymousAllowed) throw new ApiError(401, 'sign in to ask or comment in this lesson', 'POST /api/v1/auth/login, or ask the teacher to allow anonymous questions');
  if (displayName === undefined) throw new ApiError(400, 'displayName: give the name to show with your post', 'add "displayName" to the body');
  return { key: `address:${address}`, name: displayName, accountId: null, address };
}

function takeToken(context: CatalogContext, viewer: { key: string; address: string }, lessonId: string): void {
  const verdict = postLimits(context).take({ viewerKey: viewer.key, address: viewer.address, lessonId }, Date.now());
  if (verdict.ok) return;
  const who = { viewer: 'you are posting', address: 'your network is posting', lesson: 'this lesson is receiving posts' }[verdict.scope];
  refuse('rate', 429, `${who} too fast: wait ${verdict.retryAfterSeconds} s and try again`, `retry after ${verdict.retryAfterSeconds} s`);
}

function moderate(account: Account | null, found: LoadedLesson): void {
  const { lesson, teacherAccountId } = found;
  if (!mayChangeLesson(account, { schoolId: lesson.schoolId, courseId: lesson.courseId, teacherAccountId })) {
    throw forbidden("only the lesson's teacher, its school's admins and operators moderate its questions");
  }
}

const counted = (action: QaModerationAction) => void qaCounts.moderation[action]++;

/** The lesson and item a moderation route names, once the account is allowed to moderate them. */
async function moderatedItem(context: CatalogContext, account: Account | null, params: Record<string, string | undefined>): Promise<{ found: LoadedLesson; item: QaItemRecord }> {
  const found = await loadLesson(context.db, params.id);
  moderate(account, found);
  return { found, item: await loadItem(context.db, found.lesson.id, params.item) };
}

/** When the lesson went live: feed items carry their time into it. */
const liveSince = (lesson: Lesson): Date | null => (lesson.wentLiveAt ? new Date(lesson.wentLiveAt) : null);

export const qaRoutes: RouteSpec[] = [
  route<undefined, z.infer<typeof postBody>>({
    method: 'post',
    path: '/lessons/:id/qa/items',
    summary: 'Ask a question or post a comment in a lesson (signed in, or under a display name where the lesson allows it)',
    tag,
    access: 'public',
    body: postBody,
    response: itemSchema,
    successStatus: 201,
    async handler({ params, body, account, request, context }) {
      const found = await loadLesson(context.db, params.id);
      const { lesson } = found;
      const viewer = await viewerOf(context, found, account, request, body.displayName);
      if (lesson.state === 'ended') refuse('closed', 409, 'this lesson has ended: it takes no more questions or comments');
      const settings = await getQaSettings(context.db, lesson.id);
      if (body.kind === 'question' && settings.questionsClosed) refuse('closed', 403, 'the teacher has closed questions for this lesson', 'you may still post a comment');
      const text = body.text.trim();
      if (text.length === 0) throw new ApiError(400, 'text: must not be empty', 'write something');
      const max = context.config.qa.maxLength;
      if ([...text].length > max) refuse('too-long', 413, `text: at most ${max} characters (this is ${[...text].length})`, 'shorten it');
      if (await isMuted(context.db, lesson.id, viewer.key)) refuse('muted', 403, 'the teacher has muted you in this lesson: your posts are not accepted');
      takeToken(context, viewer, lesson.id);
      if (settings.slowModeSeconds > 0) {
        const last = await lastPostAt(context.db, lesson.id, viewer.key);
        const waitMs = last ? last.getTime() + settings.slowModeSeconds * 1000 - Date.now() : 0;
        if (waitMs > 0) refuse('slow-mode', 429, `slow mode: one post every ${settings.slowModeSeconds} s; wait ${Math.ceil(waitMs / 1000)} s`, `retry after ${Math.ceil(waitMs / 1000)} s`);
      }
      const item = await insertQaItem(context.db, { lessonId: lesson.id, kind: body.kind, body: text, authorName: viewer.name, authorKey: viewer.key, accountId: viewer.accountId });
      qaCounts.posts[body.kind]++;
      return { status: 201, body: feedItem(item, liveSince(lesson)) };
    },
  }),
  route({
    method: 'post',
    path: '/lessons/:id/qa/items/:item/vote',
    summary: 'Upvote a question (once per viewer)',
    tag,
    access: 'public',
    response: z.object({ votes: z.number(), counted: z.boolean() }),
    async handler({ params, account, request, context }) {
      const found = await loadLesson(context.db, params.id);
      const viewer = await viewerOf(context, found, account, request, 'anonymous');
      const item = await loadItem(context.db, found.lesson.id, params.item);
      if (item.kind !== 'question' || item.hiddenAt !== null) throw new ApiError(409, 'only questions shown in the lesson take votes');
      if (await isMuted(context.db, found.lesson.id, viewer.key)) refuse('muted', 403, 'the teacher has muted you in this lesson: your votes are not accepted');
      takeToken(context, viewer, found.lesson.id);
      const result = await addQaVote(context.db, item.id, viewer.key);
      if (result.counted) qaCounts.votes++;
      return { body: result };
    },
  }),
  route({
    method: 'get',
    path: '/lessons/:id/qa',
    summary: "The teacher's console view of a lesson's questions and comments: hidden ones too, who is muted, the settings and the viewer count",
    tag,
    access: 'signed-in',
    response: z.object({ lesson: z.string(), settings: settingsSchema, viewers: z.number().nullable(), items: z.array(itemSchema.extend({ hidden: z.boolean(), authorMuted: z.boolean() })) }),
    async handler({ params, account, context }) {
      const found = await loadLesson(context.db, params.id);
      moderate(account, found);
      const { lesson } = found;
      const [settings, items, muted, viewers] = await Promise.all([
        getQaSettings(context.db, lesson.id),
        listQaItems(context.db, lesson.id, { withHidden: true, limit: feedItemLimit }),
        mutedAuthors(context.db, lesson.id),
        viewerCount(context, lesson.id),
      ]);
      return { body: { lesson: lesson.id, settings, viewers, items: consoleItems(items, liveSince(lesson), muted) } };
    },
  }),
  route<undefined, z.infer<typeof answerBody>>({
    method: 'post',
    path: '/lessons/:id/qa/items/:item/answer',
    summary: 'Answer a question in text and/or mark it answered (answered defaults to true; answer null removes the text)',
    tag,
    access: 'signed-in',
    body: answerBody,
    response: itemSchema,
    async handler({ params, body, account, context }) {
      const { found, item } = await moderatedItem(context, account, params);
      const answered = body.answered ?? true;
      const answer = body.answer === undefined ? undefined : body.answer === '' ? null : body.answer;
      const changed = await changeQaItem(context.db, found.lesson.id, item.id, { answered, ...(answer !== undefined ? { answer, answeredBy: account?.id ?? null } : {}) });
      counted(answer ? 'answer' : 'mark-answered');
      return { body: feedItem(changed!, liveSince(found.lesson)) };
    },
  }),
  ...(['pinned', 'hidden'] as const).map((flag) =>
    route<undefined, Record<typeof flag, boolean>>({
      method: 'post',
      path: `/lessons/:id/qa/items/:item/${flag === 'pinned' ? 'pin' : 'hide'}`,
      summary: flag === 'pinned' ? 'Pin an item (shown to every viewer) or unpin it' : 'Hide an item from viewers (and replays) or show it again',
      tag,
      access: 'signed-in',
      body: flagBody(flag),
      response: itemSchema,
      async handler({ params, body, account, context }) {
        const { found, item } = await moderatedItem(context, account, params);
        const on = body[flag];
        const changed = await changeQaItem(context.db, found.lesson.id, item.id, { [flag]: on });
        counted(flag === 'pinned' ? (on ? 'pin' : 'unpin') : on ? 'hide' : 'unhide');
        return { body: feedItem(changed!, liveSince(found.lesson)) };
      },
    }),
  ),
  route<undefined, { muted: boolean }>({
    method: 'post',
    path: '/lessons/:id/qa/items/:item/mute',
    summary: "Mute (or unmute) an item's author for this lesson: their posts and votes are refused",
    tag,
    access: 'signed-in',
    body: flagBody('muted'),
    response: z.object({ muted: z.boolean() }),
    async handler({ params, body, account, context }) {
      const { found, item } = await moderatedItem(context, account, params);
      if (body.muted) await muteAuthor(context.db, found.lesson.id, item.authorKey, account?.id ?? null);
      else await unmuteAuthor(context.db, found.lesson.id, item.authorKey);
      counted(body.muted ? 'mute' : 'unmute');
      return { body: { muted: body.muted } };
    },
  }),
  route<undefined, z.infer<typeof settingsBody>>({
    method: 'patch',
    path: '/lessons/:id/qa/settings',
    summary: "Change a lesson's Q&A settings: slow mode (seconds between an author's posts, 0 off), questions closed, anonymous posts allowed",
    tag,
    access: 'signed-in',
    body: settingsBody,
    response: settingsSchema,
    async handler({ params, body, account, context }) {
      const found = await loadLesson(context.db, params.id);
      moderate(account, found);
      const settings = { ...(await getQaSettings(context.db, found.lesson.id)), ...Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) };
      await saveQaSettings(context.db, found.lesson.id, settings);
      counted('settings');
      return { body: settings };
    },
  }),
  route({
    method: 'get',
    path: '/recordings/:id/qa',
    summary: "A replay's pinned and answered questions and comments, each at its time into the recording",
    tag,
    access: 'public',
    response: z.object({ recording: z.string(), lesson: z.string(), moments: z.array(itemSchema) }),
    async handler({ params, account, context }) {
      const id = pathSlug(params.id, 'recording', /^[a-z0-9][a-z0-9-]{0,127}$/);
      const found = await getRecording(context.db, id);
      if (!found) throw notFound('recording', id);
      if (!mayReadLesson(account, found.lesson)) throw account ? forbidden('this recording is for its school only') : unauthorized();
      const items = await keptQaItems(context.db, found.lesson.id);
      const { recording } = found;
      return { body: { recording: id, lesson: found.lesson.id, moments: replayMoments(items, new Date(recording.startedAt), recording.endedAt ? new Date(recording.endedAt) : null) } };
    },
  }),
];

/** Viewers of the lesson now, as the operator dashboard last read them from the tiers' /metrics; null when it reads none. */
async function viewerCount(context: CatalogContext, lessonId: string): Promise<number | null> {
  if (!context.dashboard) return null;
  const snapshot = await context.dashboard.snapshot(1).catch(() => undefined);
  const viewers = snapshot?.now?.viewers;
  if (!viewers) return null;
  return viewers.byLesson.find((entry) => entry.id === lessonId)?.viewers ?? 0;
}
