// /settings: what the whole platform runs with and an operator may change while it runs: the
// province's time zone (the pages' times, the timetable's days). Anyone reads them.
import { z } from 'zod';
import { locales } from '../../../../player/src/i18n/locales.ts';
import { provinceTimeZone, setProvinceTimeZone } from '../../queries/province-time-zone.ts';
import { isTimeZone } from '../../../../player/src/i18n/zoned-time.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';

const settingsSchema = z.object({
  timeZone: z.string().describe("the province's time zone (IANA name): times on the pages, the timetable's today and week"),
  defaultLocale: z.enum(locales).describe("the pages' language when nobody chose one (web.defaultLocale; set in the configuration)"),
});
const changeBody = z.object({ timeZone: z.string().refine(isTimeZone, 'an IANA time zone name, e.g. Asia/Shanghai') }).strict();

async function settings(context: CatalogContext): Promise<z.infer<typeof settingsSchema>> {
  return { timeZone: await provinceTimeZone(context.db, context.config.web.timeZone), defaultLocale: context.config.web.defaultLocale };
}

export const settingsRoutes: RouteSpec[] = [
  route({
    method: 'get',
    path: '/settings',
    summary: "The platform's settings: the province's time zone and the pages' default language",
    tag: 'settings',
    access: 'public',
    response: settingsSchema,
    async handler({ context }) {
      return { body: await settings(context) };
    },
  }),
  route<undefined, z.infer<typeof changeBody>>({
    method: 'patch',
    path: '/settings',
    summary: "Change the province's time zone (pages and the timetable's days follow within seconds)",
    tag: 'settings',
    access: ['operator'],
    body: changeBody,
    response: settingsSchema,
    async handler({ body, context }) {
      await setProvinceTimeZone(context.db, body.timeZone);
      context.timeZone?.changed(body.timeZone);
      return { body: await settings(context) };
    },
  }),
];
