// The live classroom's API on both databases: posting questions and comments (text kept as given,
// markup included), the length bound (413) and rate limits (429) with their messages, anonymous
// posts only where the lesson allows them, votes once per viewer, the teacher's actions (answer,
// pin, hide, mute, slow mode, close questions) for the lesson's teacher and school admins only,
// each in the audit log, and a replay's kept moments.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';
import { dashboardClassroom } from '../../services/stats/dashboard-classroom.ts';

for (const database of await catalogDatabaseUrls()) {
  describe(`live classroom questions on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    /** A live public lesson of a new school whose course the school's teacher teaches. */
    const liveLesson = async (visibility: 'public' | 'protected' = 'public') => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const course = await f.course(school.id, { teacherAccountId: school.teacherId });
      const start = Date.now() + Math.floor(Math.random() * 1e9) * 1000 + 86_400_000;
      const created = await f.catalog.api('post', '/lessons', {
        token: f.operator,
        body: { classroomId: room.id, courseId: course.id, title: 'Q&A', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3600_000).toISOString(), visibility },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await f.catalog.db.query("update lessons set state = 'live', went_live_at = now() - interval '90 seconds' where id = $1", [created.body.id]);
      return { school, lessonId: created.body.id as string };
    };
    const post = (lessonId: string, token: string | undefined, body: Record<string, unknown>) =>
      f.catalog.api('post', `/lessons/${lessonId}/qa/items`, { ...(token ? { token } : {}), body });

    test('a question is kept as text, markup and all, with its time into the lesson', async () => {
      const { school, lessonId } = await liveLesson();
      const text = '<script>alert(1)</script> <b>why</b> is the sky blue?';
      const answer = await post(lessonId, school.tokens.student, { kind: 'question', text });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.equal(answer.body.body, text);
      assert.equal(answer.body.kind, 'question');
      assert.ok(answer.body.atSeconds >= 90, `atSeconds ${answer.body.atSeconds}`);
    });

    test('a post over the length bound is refused with 413 and says the bound', async () => {
      const { school, lessonId } = await liveLesson();
      const max = f.catalog.context.config.qa.maxLength;
      const answer = await post(lessonId, school.tokens.student, { kind: 'comment', text: '长'.repeat(max + 1) });
      assert.equal(answer.status, 413);
      assert.match(answer.body.error.message, new RegExp(`at most ${max} characters`));
      const fits = await post(lessonId, school.tokens.student, { kind: 'comment', text: '长'.repeat(max) });
      assert.equal(fits.status, 201);
    });

    test('a viewer posting faster than their bucket gets 429 with how long to wait', async () => {
      const { school, lessonId } = await liveLesson();
      const burst = f.catalog.context.config.qa.perViewer.burst;
      const statuses: number[] = [];
      let refusal: { error: { message: string } } | undefined;
      for (let i = 0; i <= burst; i++) {
        const answer = await post(lessonId, school.tokens.student, { kind: 'comment', text: `comment ${i}` });
        statuses.push(answer.status);
        if (answer.status === 429) refusal = answer.body;
      }
      assert.deepEqual(statuses.slice(0, burst), Array(burst).fill(201));
      assert.equal(statuses[burst], 429);
      assert.match(refusal!.error.message, /too fast: wait \d+ s/);
      // Another viewer of the same lesson is not slowed by it.
      assert.equal((await post(lessonId, school.tokens.school_admin, { kind: 'comment', text: 'me too' })).status, 201);
    });

    test('anonymous posts need the lesson to allow them and a display name', async () => {
      const { school, lessonId } = await liveLesson();
      const refused = await post(lessonId, undefined, { kind: 'question', text: 'hello?', displayName: 'Visitor' });
      assert.equal(refused.status, 401);
      assert.match(refused.body.error.message, /sign in/);
      const allowed = await f.catalog.api('patch', `/lessons/${lessonId}/qa/settings`, { token: school.tokens.teacher, body: { anonymousAllowed: true } });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
      const nameless = await post(lessonId, undefined, { kind: 'question', text: 'hello?' });
      assert.equal(nameless.status, 400);
      assert.match(nameless.body.error.message, /displayName/);
      const named = await post(lessonId, undefined, { kind: 'question', text: 'hello?', displayName: 'Visitor' });
      assert.equal(named.status, 201);
      assert.equal(named.body.author, 'Visitor');
    });

    test('a protected lesson takes posts only from its school', async () => {
      const { lessonId } = await liveLesson('protected');
      const other = await f.school();
      assert.equal((await post(lessonId, other.tokens.student, { kind: 'question', text: 'may I?' })).status, 403);
      assert.equal((await post(lessonId, undefined, { kind: 'question', text: 'may I?', displayName: 'x' })).status, 401);
    });

    test('votes count once per viewer', async () => {
      const { school, lessonId } = await liveLesson();
      const asked = await post(lessonId, school.tokens.student, { kind: 'question', text: 'vote for me' });
      const vote = (token: string) => f.catalog.api('post', `/lessons/${lessonId}/qa/items/${asked.body.id}/vote`, { token });
      assert.deepEqual((await vote(school.tokens.school_admin)).body, { votes: 1, counted: true });
      assert.deepEqual((await vote(school.tokens.school_admin)).body, { votes: 1, counted: false });
      assert.deepEqual((await vote(school.tokens.teacher)).body, { votes: 2, counted: true });
    });

    test("the teacher answers, pins, hides and mutes; others may not; each action is in the audit log", async () => {
      const { school, lessonId } = await liveLesson();
      const asked = await post(lessonId, school.tokens.student, { kind: 'question', text: 'what is 2+2?' });
      const item = `/lessons/${lessonId}/qa/items/${asked.body.id}`;
      const act = (token: string, action: string, body: unknown) => f.catalog.api('post', `${item}/${action}`, { token, body });

      const other = await f.school();
      for (const token of [school.tokens.student, other.tokens.teacher, other.tokens.school_admin]) {
        const refused = await act(token, 'pin', { pinned: true });
        assert.equal(refused.status, 403, JSON.stringify(refused.body));
      }
      const answered = await act(school.tokens.teacher, 'answer', { answer: 'four' });
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      assert.equal(answered.body.answered, true);
      assert.equal(answered.body.answer, 'four');
      assert.equal((await act(school.tokens.school_admin, 'pin', { pinned: true })).body.pinned, true);

      const console = await f.catalog.api('get', `/lessons/${lessonId}/qa`, { token: school.tokens.teacher });
      assert.equal(console.status, 200);
      assert.equal(console.body.items.find((entry: { id: number }) => entry.id === asked.body.id).pinned, true);
      assert.equal((await f.catalog.api('get', `/lessons/${lessonId}/qa`, { token: school.tokens.student })).status, 403);

      assert.equal((await act(school.tokens.teacher, 'hide', { hidden: true })).body.answered, true);
      assert.equal((await act(school.tokens.teacher, 'mute', { muted: true })).status, 200);
      const muted = await post(lessonId, school.tokens.student, { kind: 'comment', text: 'let me speak' });
      assert.equal(muted.status, 403);
      assert.match(muted.body.error.message, /muted/);

      const line = (await dashboardClassroom(f.catalog.db, Date.now())).find((entry) => entry.lessonId === lessonId);
      assert.deepEqual(line && { questions: line.questions, open: line.openQuestions, hidden: line.hidden, muted: line.muted }, { questions: 1, open: 0, hidden: 1, muted: 1 }, "the dashboard's line for the lesson");

      const audit = await f.catalog.db.query<{ action: string; status: number; username: string }>(
        "select action, status, username from audit_log where resource = 'qa' and resource_id = $1 and status = 200 order by id",
        [lessonId],
      );
      assert.deepEqual(
        audit.map((entry) => entry.action),
        ['POST /lessons/:id/qa/items/:item/answer', 'POST /lessons/:id/qa/items/:item/pin', 'POST /lessons/:id/qa/items/:item/hide', 'POST /lessons/:id/qa/items/:item/mute'],
      );
    });

    test('closed questions and slow mode refuse with messages', async () => {
      const { school, lessonId } = await liveLesson();
      const settings = (body: unknown) => f.catalog.api('patch', `/lessons/${lessonId}/qa/settings`, { token: school.tokens.teacher, body });
      assert.deepEqual((await settings({ questionsClosed: true })).body, { slowModeSeconds: 0, questionsClosed: true, anonymousAllowed: false });
      const closed = await post(lessonId, school.tokens.student, { kind: 'question', text: 'one more?' });
      assert.equal(closed.status, 403);
      assert.match(closed.body.error.message, /closed questions/);
      assert.equal((await settings({ questionsClosed: false, slowModeSeconds: 600 })).status, 200);
      assert.equal((await post(lessonId, school.tokens.student, { kind: 'comment', text: 'first' })).status, 201);
      const slow = await post(lessonId, school.tokens.student, { kind: 'comment', text: 'second' });
      assert.equal(slow.status, 429);
      assert.match(slow.body.error.message, /slow mode: one post every 600 s/);
    });

    test("a replay keeps the lesson's pinned and answered items at their time into the recording", async () => {
      const { school, lessonId } = await liveLesson();
      const kept = await post(lessonId, school.tokens.student, { kind: 'question', text: 'kept' });
      await post(lessonId, school.tokens.school_admin, { kind: 'comment', text: 'not kept' });
      await f.catalog.api('post', `/lessons/${lessonId}/qa/items/${kept.body.id}/answer`, { token: school.tokens.teacher, body: { answer: 'yes' } });
      const recordingId = `${lessonId}-r1`;
      await f.catalog.db.query(
        "insert into recordings (id, lesson_id, state, started_at, ended_at, storage_path) values ($1, $2, 'ready', now() - interval '60 seconds', now() + interval '1 hour', $3)",
        [recordingId, lessonId, `vod/${recordingId}`],
      );
      const replay = await f.catalog.api('get', `/recordings/${recordingId}/qa`);
      assert.equal(replay.status, 200, JSON.stringify(replay.body));
      assert.deepEqual(replay.body.moments.map((moment: { body: string; answer: string }) => [moment.body, moment.answer]), [['kept', 'yes']]);
      assert.ok(replay.body.moments[0].atSeconds >= 59, `atSeconds ${replay.body.moments[0].atSeconds}`);
    });
  });
}
