// The server draws each page in the request's language: a `?lang=` link's, the cookie the switcher sets, else the
// browser's Accept-Language, else the platform's default; <html lang>, the title and the static
// words follow, and the province's time zone is in the page. Over HTTP, without a browser.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { pageRoutes } from '../../services/web/pages.ts';

describe('the language of a page', () => {
  let chinese: HttpServer;
  let english: HttpServer;
  let zone = 'Asia/Shanghai';
  before(async () => {
    setLogLevel('warn');
    const log = createLogger({ role: 'test' });
    chinese = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [pageRoutes(undefined, undefined, undefined, { defaultLocale: 'zh-CN', timeZone: () => zone })], log, health: () => ({}) });
    english = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [pageRoutes(undefined, undefined, undefined, { defaultLocale: 'en', timeZone: () => zone })], log, health: () => ({}) });
  });
  after(async () => {
    await chinese.close();
    await english.close();
  });

  const open = async (server: HttpServer, path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
    const html = await response.text();
    return { response, html, lang: /<html lang="([^"]+)">/.exec(html)?.[1], title: /<title>([^<]*)<\/title>/.exec(html)?.[1], zone: /<meta name="classcast-time-zone" content="([^"]*)">/.exec(html)?.[1] };
  };

  it('is the platform default without a choice or a language we have', async () => {
    const page = await open(chinese, '/', { 'Accept-Language': 'de-DE,de;q=0.9' });
    assert.deepEqual([page.lang, page.title, page.zone], ['zh-CN', '课表 · Classcast 课堂直播', 'Asia/Shanghai']);
    assert.match(page.html, /此页面需要 JavaScript/);
    assert.equal(page.response.headers.get('content-language'), 'zh-CN');
    assert.match(page.response.headers.get('vary') ?? '', /Cookie/);
    assert.equal((await open(english, '/login')).lang, 'en');
  });

  it("follows the browser's language, and the switcher's cookie over it", async () => {
    assert.equal((await open(chinese, '/login', { 'Accept-Language': 'en-US,en;q=0.9' })).title, 'Sign in · Classcast');
    assert.equal((await open(english, '/school', { 'Accept-Language': 'zh-CN,zh;q=0.9' })).lang, 'zh-CN');
    assert.equal((await open(english, '/school', { 'Accept-Language': 'zh-CN', Cookie: 'classcast_locale=en' })).lang, 'en');
  });

  it('takes a language a link asks for (?lang=) over the cookie, and remembers it in the cookie', async () => {
    const asked = await open(chinese, '/login?lang=en', { Cookie: 'classcast_locale=zh-CN', 'Accept-Language': 'zh-CN' });
    assert.equal(asked.lang, 'en');
    assert.match(asked.response.headers.get('set-cookie') ?? '', /^classcast_locale=en; Path=\/; Max-Age=\d+; SameSite=Lax$/);
    const unknown = await open(chinese, '/login?lang=fr');
    assert.equal(unknown.lang, 'zh-CN', 'a language we do not have is ignored');
    assert.equal(unknown.response.headers.get('set-cookie'), null);
    assert.equal((await open(english, '/login')).response.headers.get('set-cookie'), null, 'no link, nothing remembered');
  });

  it('draws the watch and replay pages in it, with their static words', async () => {
    for (const path of ['/watch/room-1-20261122-0900', '/replay/rec-1']) {
      const zh = await open(english, path, { Cookie: 'classcast_locale=zh-CN' });
      assert.equal(zh.lang, 'zh-CN', path);
      assert.match(zh.html, /<a href="\/">课表<\/a>/, path);
      assert.match(zh.html, /<summary>传输<\/summary>/, path);
      const en = await open(chinese, path, { 'Accept-Language': 'en' });
      assert.match(en.html, /<h1 class="lesson-heading" id="lesson-title">Live lesson<\/h1>/, path);
    }
  });

  it("carries the province's time zone as it is now", async () => {
    zone = 'Asia/Urumqi';
    try {
      assert.equal((await open(chinese, '/')).zone, 'Asia/Urumqi');
      assert.match((await open(chinese, '/watch/room-1-20261122-0900')).html, /<meta name="classcast-time-zone" content="Asia\/Urumqi">/);
    } finally {
      zone = 'Asia/Shanghai';
    }
  });
});
