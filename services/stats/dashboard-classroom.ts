// The dashboard's line per live lesson for the live classroom: how many questions (and how many
// still open), comments, posts in the last five minutes, hidden items and muted authors, read from
// the catalog (migrations/015_classroom_qa.sql) at each dashboard tick.
import type { Queryable } from '../catalog/db/database.ts';

export type ClassroomFigures = {
  lessonId: string;
  title: string;
  questions: number;
  openQuestions: number;
  comments: number;
  recentPosts: number;
  hidden: number;
  muted: number;
};

type Row = { id: string; title: string; questions: string | number; open_questions: string | number; comments: string | number; recent: string | number; hidden: string | number; muted: string | number };

export async function dashboardClassroom(db: Queryable, at: number): Promise<ClassroomFigures[]> {
  const rows = await db.query<Row>(
    `select l.id, l.title,
            count(q.id) filter (where q.kind = 'question') as questions,
            count(q.id) filter (where q.kind = 'question' and q.answered_at is null and q.hidden_at is null) as open_questions,
            count(q.id) filter (where q.kind = 'comment') as comments,
            count(q.id) filter (where q.created_at > $1::timestamptz - interval '5 minutes') as recent,
            count(q.id) filter (where q.hidden_at is not null) as hidden,
            (select count(*) from lesson_qa_mutes m where m.lesson_id = l.id) as muted
     from lessons l
     left join qa_items q on q.lesson_id = l.id
     where l.state = 'live'
     group by l.id, l.title
     order by l.id
     limit 1000`,
    [new Date(at)],
  );
  return rows.map((row) => ({
    lessonId: row.id,
    title: row.title,
    questions: Number(row.questions),
    openQuestions: Number(row.open_questions),
    comments: Number(row.comments),
    recentPosts: Number(row.recent),
    hidden: Number(row.hidden),
    muted: Number(row.muted),
  }));
}
