// The live classroom's tables (migrations/015_classroom_qa.sql): questions and comments of a lesson,
// their votes, the teacher's actions on them, the authors muted for a lesson and the lesson's Q&A
// settings. Plain queries; who may do what is decided by the routes (qa-routes.ts).
import { queryOne, type Queryable } from '../db/database.ts';

export const qaKinds = ['question', 'comment'] as const;
export type QaKind = (typeof qaKinds)[number];

export type QaSettings = { slowModeSeconds: number; questionsClosed: boolean; anonymousAllowed: boolean };
export const defaultQaSettings: QaSettings = { slowModeSeconds: 0, questionsClosed: false, anonymousAllowed: false };

/** One item as stored, with the moderation facts; feeds choose what viewers see (qa-feed.ts). */
export type QaItemRecord = {
  id: number;
  lessonId: string;
  kind: QaKind;
  body: string;
  authorName: string;
  authorKey: string;
  accountId: number | null;
  votes: number;
  createdAt: Date;
  pinnedAt: Date | null;
  answeredAt: Date | null;
  answer: string | null;
  hiddenAt: Date | null;
};

type ItemRow = {
  id: number;
  lesson_id: string;
  kind: QaKind;
  body: string;
  author_name: string;
  author_key: string;
  account_id: number | null;
  votes: number;
  created_at: Date;
  pinned_at: Date | null;
  answered_at: Date | null;
  answer: string | null;
  hidden_at: Date | null;
};

const toItem = (row: ItemRow): QaItemRecord => ({
  id: row.id,
  lessonId: row.lesson_id,
  kind: row.kind,
  body: row.body,
  authorName: row.author_name,
  authorKey: row.author_key,
  accountId: row.account_id,
  votes: row.votes,
  createdAt: row.created_at,
  pinnedAt: row.pinned_at,
  answeredAt: row.answered_at,
  answer: row.answer,
  hiddenAt: row.hidden_at,
});

export async function getQaSettings(db: Queryable, lessonId: string): Promise<QaSettings> {
  const row = await queryOne<{ slow_mode_seconds: number; questions_closed: boolean; anonymous_allowed: boolean }>(
    db,
    'select slow_mode_seconds, questions_closed, anonymous_allowed from lesson_qa_settings where lesson_id = $1',
    [lessonId],
  );
  return row ? { slowModeSeconds: row.slow_mode_seconds, questionsClosed: row.questions_closed, anonymousAllowed: row.anonymous_allowed } : { ...defaultQaSettings };
}

export async function saveQaSettings(db: Queryable, lessonId: string, settings: QaSettings): Promise<void> {
  await db.query(
    `insert into lesson_qa_settings (lesson_id, slow_mode_seconds, questions_closed, anonymous_allowed) values ($1, $2, $3, $4)
     on conflict (lesson_id) do update set slow_mode_seconds = $2, questions_closed = $3, anonymous_allowed = $4, updated_at = now()`,
    [lessonId, settings.slowModeSeconds, settings.questionsClosed, settings.anonymousAllowed],
  );
}

export type NewQaItem = { lessonId: string; kind: QaKind; body: string; authorName: string; authorKey: string; accountId: number | null };

export async function insertQaItem(db: Queryable, item: NewQaItem): Promise<QaItemRecord> {
  const [row] = await db.query<ItemRow>(
    `insert into qa_items (lesson_id, kind, body, author_name, author_key, account_id) values ($1, $2, $3, $4, $5, $6) returning *`,
    [item.lessonId, item.kind, item.body, item.authorName, item.authorKey, item.accountId],
  );
  return toItem(row!);
}

export async function getQaItem(db: Queryable, lessonId: string, id: number): Promise<QaItemRecord | undefined> {
  const row = await queryOne<ItemRow>(db, 'select * from qa_items where lesson_id = $1 and id = $2', [lessonId, id]);
  return row && toItem(row);
}

/** The lesson's newest items (hidden ones too: `withHidden`), at most `limit`, oldest first; pinned ones always. */
export async function listQaItems(db: Queryable, lessonId: string, options: { withHidden: boolean; limit: number }): Promise<QaItemRecord[]> {
  const rows = await db.query<ItemRow>(
    `select * from (
       select * from qa_items where lesson_id = $1 and ($2::boolean or hidden_at is null) order by id desc limit $3
     ) newest
     union
     select * from qa_items where lesson_id = $1 and pinned_at is not null and ($2::boolean or hidden_at is null)
     order by id`,
    [lessonId, options.withHidden, options.limit],
  );
  return rows.map(toItem);
}

/** Pinned or answered items still shown, oldest first: what a replay keeps. */
export async function keptQaItems(db: Queryable, lessonId: string): Promise<QaItemRecord[]> {
  const rows = await db.query<ItemRow>(
    'select * from qa_items where lesson_id = $1 and hidden_at is null and (pinned_at is not null or answered_at is not null) order by created_at, id',
    [lessonId],
  );
  return rows.map(toItem);
}

/** When this author last posted in the lesson (slow mode). */
export async function lastPostAt(db: Queryable, lessonId: string, authorKey: string): Promise<Date | undefined> {
  const row = await queryOne<{ created_at: Date }>(db, 'select created_at from qa_items where lesson_id = $1 and author_key = $2 order by created_at desc limit 1', [lessonId, authorKey]);
  return row?.created_at;
}

/** Counts one vote per voter; answers whether this one was new, and the item's votes. */
export async function addQaVote(db: Queryable, itemId: number, voterKey: string): Promise<{ counted: boolean; votes: number }> {
  const added = await db.query('insert into qa_votes (item_id, voter_key) values ($1, $2) on conflict do nothing returning item_id', [itemId, voterKey]);
  const [row] = added.length > 0
    ? await db.query<{ votes: number }>('update qa_items set votes = votes + 1 where id = $1 returning votes', [itemId])
    : await db.query<{ votes: number }>('select votes from qa_items where id = $1', [itemId]);
  return { counted: added.length > 0, votes: row?.votes ?? 0 };
}

/** A teacher's change to one item; undefined fields stay as they are. */
export type QaItemChange = { pinned?: boolean; hidden?: boolean; answered?: boolean; answer?: string | null; answeredBy?: number | null };

export async function changeQaItem(db: Queryable, lessonId: string, id: number, change: QaItemChange): Promise<QaItemRecord | undefined> {
  const stamp = (flag: boolean | undefined, column: string) => (flag === undefined ? column : flag ? `coalesce(${column}, now())` : 'null');
  const [row] = await db.query<ItemRow>(
    `update qa_items set
       pinned_at = ${stamp(change.pinned, 'pinned_at')},
       hidden_at = ${stamp(change.hidden, 'hidden_at')},
       answered_at = ${stamp(change.answered, 'answered_at')},
       answer = case when $3::boolean then $4::text else answer end,
       answered_by = case when $3::boolean then $5::integer else answered_by end
     where lesson_id = $1 and id = $2 returning *`,
    [lessonId, id, change.answer !== undefined, change.answer ?? null, change.answeredBy ?? null],
  );
  return row && toItem(row);
}

export async function muteAuthor(db: Queryable, lessonId: string, authorKey: string, mutedBy: number | null): Promise<void> {
  await db.query('insert into lesson_qa_mutes (lesson_id, author_key, muted_by) values ($1, $2, $3) on conflict do nothing', [lessonId, authorKey, mutedBy]);
}

export async function unmuteAuthor(db: Queryable, lessonId: string, authorKey: string): Promise<void> {
  await db.query('delete from lesson_qa_mutes where lesson_id = $1 and author_key = $2', [lessonId, authorKey]);
}

export async function isMuted(db: Queryable, lessonId: string, authorKey: string): Promise<boolean> {
  return (await queryOne(db, 'select 1 from lesson_qa_mutes where lesson_id = $1 and author_key = $2', [lessonId, authorKey])) !== undefined;
}

export async function mutedAuthors(db: Queryable, lessonId: string): Promise<Set<string>> {
  const rows = await db.query<{ author_key: string }>('select author_key from lesson_qa_mutes where lesson_id = $1', [lessonId]);
  return new Set(rows.map((row) => row.author_key));
}
