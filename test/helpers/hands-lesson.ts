// A lesson with raised hands for a test or a benchmark: the catalog API, the pages and the /hands
// signalling on one real HTTP server over PGlite; a school with the lesson's teacher, two of its
// students, another teacher and another school's student; and a Chromium whose microphone is
// Chromium's fake device (a beep), granted without asking, each account in its own browser context.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { mountHands } from '../../services/hands/mount-hands.ts';
import type { HandsLimits, HandsSignalling } from '../../services/hands/hands-signalling.ts';
import { createMetricsRegistry } from '../../services/stats/metrics-registry.ts';
import { metricsRoute } from '../../services/stats/metrics-route.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { chromiumPath } from './browser.ts';
import { startTestCatalog, type TestCatalog } from './test-catalog.ts';

export type HandsAccount = { id: number; name: string; token: string };

export type HandsLesson = {
  base: string;
  catalog: TestCatalog;
  hands: HandsSignalling;
  lessonId: string;
  teacher: HandsAccount;
  otherTeacher: HandsAccount;
  students: [HandsAccount, HandsAccount];
  strangerStudent: HandsAccount;
  browser: Browser;
  /** A browser context signed in as `account` (none: signed out), in `locale`, with the microphone allowed. */
  context(account: HandsAccount | undefined, locale?: string): Promise<BrowserContext>;
  /** The console page, or a student's raise-hand page, in a new context of that account. */
  open(account: HandsAccount, as: 'console' | 'student', options?: { locale?: string; viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
};

export async function startHandsLesson(options: { maxAccepted?: number; limits?: Partial<HandsLimits>; chromiumArgs?: string[] } = {}): Promise<HandsLesson> {
  const catalog = await startTestCatalog();
  const config = { ...catalog.context.config, hands: { ...catalog.context.config.hands, maxAccepted: options.maxAccepted ?? 1 } };
  const metrics = createMetricsRegistry('catalog', 'test');
  let server: HttpServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [metricsRoute(metrics), catalogApi(catalog.context), pageRoutes()], log: catalog.context.log, health: () => ({ role: 'catalog' }) });
    const hands = mountHands(server.server, metrics, catalog.db, config, catalog.context.log, options.limits);
    const base = `http://127.0.0.1:${server.port}`;
    const operator = (await catalog.signIn('operator')).token;
    const made = async (path: string, body: unknown) => {
      const answer = await catalog.api('post', path, { token: operator, body });
      if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    const city = await made('/cities', { name: `Hands City ${process.pid}` });
    const school = await made('/schools', { cityId: city.id, name: 'Hands School' });
    const otherSchool = await made('/schools', { cityId: city.id, name: 'Other School' });
    const account = async (role: 'teacher' | 'student', schoolId: number): Promise<HandsAccount> => {
      const signed = await catalog.signIn(role, schoolId);
      return { id: signed.account.id, name: signed.account.displayName, token: signed.token };
    };
    const teacher = await account('teacher', school.id);
    const otherTeacher = await account('teacher', school.id);
    const students: [HandsAccount, HandsAccount] = [await account('student', school.id), await account('student', school.id)];
    const strangerStudent = await account('student', otherSchool.id);
    const classroom = await made('/classrooms', { schoolId: school.id, name: 'Room 1' });
    const course = await made('/courses', { schoolId: school.id, title: 'Physics', subject: 'Physics', grade: '8', teacherAccountId: teacher.id });
    const startsAt = Date.now() + 3600_000;
    const lesson = await made('/lessons', { classroomId: classroom.id, courseId: course.id, title: 'Sound', startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 2700_000).toISOString(), visibility: 'school' });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--lang=en-US', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', '--mute-audio', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', ...(options.chromiumArgs ?? [])],
    });
    const theBrowser = browser;
    const context = async (who: HandsAccount | undefined, locale = 'en-US') => {
      const made = await theBrowser.newContext({ locale, permissions: ['microphone'] });
      if (who) await made.addCookies([{ name: sessionCookieName, value: who.token, url: base }]);
      return made;
    };
    const theServer = server;
    return {
      base,
      catalog,
      hands,
      lessonId: lesson.id,
      teacher,
      otherTeacher,
      students,
      strangerStudent,
      browser,
      context,
      async open(who, as, { locale = 'en-US', viewport } = {}) {
        const page = await (await context(who, locale)).newPage();
        if (viewport) await page.setViewportSize(viewport);
        await page.goto(`${base}/hands/${lesson.id}${as === 'console' ? '/console' : ''}`);
        return page;
      },
      async close() {
        hands.close();
        await theBrowser.close();
        await theServer.close();
        await catalog.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server?.close();
    await catalog.close();
    throw error;
  }
}
