// The province's time zone: the one an operator set (platform_settings), else the configuration's
// web.timeZone. The timetable's days and every time on the pages follow it. The pages are drawn
// without a database call, so they read it through a source that asks again every few seconds (an
// operator's change reaches every catalog process within that), and at once in the process that
// made the change.
import type { Queryable } from '../db/database.ts';
import { isTimeZone } from '../../../player/src/i18n/zoned-time.ts';

const settingName = 'time_zone';

export async function provinceTimeZone(db: Queryable, configured: string): Promise<string> {
  const row = (await db.query<{ value: string }>('select value from platform_settings where name = $1', [settingName]))[0];
  return row && isTimeZone(row.value) ? row.value : configured;
}

export async function setProvinceTimeZone(db: Queryable, zone: string): Promise<void> {
  await db.query(
    `insert into platform_settings (name, value) values ($1, $2)
     on conflict (name) do update set value = excluded.value, updated_at = now()`,
    [settingName, zone],
  );
}

export type TimeZoneSource = {
  /** The zone as last read (the configured one until the first read answers). */
  current(): string;
  /** What this process just stored. */
  changed(zone: string): void;
};

export function createTimeZoneSource(db: Queryable, configured: string, maxAgeMs = 5000): TimeZoneSource {
  let zone = configured;
  let readAt = 0;
  let reading = false;
  const refresh = () => {
    if (reading || Date.now() - readAt < maxAgeMs) return;
    reading = true;
    provinceTimeZone(db, configured)
      .then((value) => (zone = value))
      // A failed read keeps the last zone; the next page asks again.
      .catch(() => undefined)
      .finally(() => {
        reading = false;
        readAt = Date.now();
      });
  };
  refresh();
  return {
    current() {
      refresh();
      return zone;
    },
    changed(value) {
      zone = value;
      readAt = Date.now();
    },
  };
}
