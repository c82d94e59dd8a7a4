// What the dashboard reads from the catalog, which every catalog process has whatever else runs
// beside it: lessons that are live or should be by the timetable, with their place and their
// classroom's encoder status (written by the ingest nodes); the names behind the city and school ids
// of the viewer metrics; the finished viewing sessions of the last hours; and the ingest nodes with
// the load their heartbeats report (renditions shed, and since when).
import type { Queryable } from '../catalog/db/database.ts';
import { listIngestNodes } from '../catalog/ingest/ingest-nodes.ts';
import type { CatalogLesson } from './dashboard-figures.ts';

type LessonRow = {
  id: string;
  title: string;
  state: CatalogLesson['state'];
  starts_at: Date;
  ends_at: Date | null;
  classroom_id: string;
  classroom_name: string;
  ad_hoc: boolean;
  city_id: number | null;
  city_name: string | null;
  school_id: number | null;
  school_name: string | null;
  connected: boolean | null;
  bitrate_kbps: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  updated_at: Date | null;
  ingest_node: string | null;
  visibility: string;
};

/** Live lessons, and scheduled ones whose time has come and not gone (at `at`). */
export async function dashboardLessons(db: Queryable, at: number): Promise<CatalogLesson[]> {
  const rows = await db.query<LessonRow>(
    `select l.id, l.title, l.state, l.starts_at, l.ends_at, l.classroom_id, c.name as classroom_name, l.ad_hoc, l.visibility, s.city_id, ci.name as city_name, c.school_id, s.name as school_name,
            e.connected, e.bitrate_kbps, e.fps, e.width, e.height, e.updated_at, e.ingest_node
     from lessons l
     join classrooms c on c.id = l.classroom_id
     left join schools s on s.id = c.school_id
     left join cities ci on ci.id = s.city_id
     left join encoder_status e on e.classroom_id = l.classroom_id and e.lesson_id = l.id
     where l.state = 'live' or (l.state = 'scheduled' and l.starts_at <= $1 and (l.ends_at is null or l.ends_at > $1))
     order by l.starts_at, l.id
     limit 5000`,
    [new Date(at)],
  );
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    state: row.state,
    startsAt: row.starts_at.getTime(),
    endsAt: row.ends_at?.getTime() ?? null,
    classroomId: row.classroom_id,
    classroomName: row.classroom_name,
    adHoc: row.ad_hoc,
    protected: row.visibility !== 'public',
    cityId: row.city_id,
    cityName: row.city_name,
    schoolId: row.school_id,
    schoolName: row.school_name,
    encoder:
      row.connected === null || row.updated_at === null
        ? null
        : { connected: row.connected, bitrateKbps: numberOrNull(row.bitrate_kbps), fps: numberOrNull(row.fps), width: row.width, height: row.height, updatedAt: row.updated_at.getTime(), ingestNode: row.ingest_node ?? '' },
  }));
}

/** An ingest node as its last heartbeat described it (services/catalog/ingest/ingest-nodes.ts). */
export type IngestNodeFigures = {
  node: string;
  up: boolean;
  classrooms: number;
  /** Busy share of its CPU, 0 to 1 (null: not reported yet). */
  cpuBusy: number | null;
  renditionsShed: number;
  /** When its current spell of shedding began, on the dashboard's clock (null: it sheds nothing). */
  sheddingSince: number | null;
  /** Its last heartbeat, on the dashboard's clock (a down node: since when it is gone). */
  seenAt: number;
};

/** Every ingest node the catalog knows, up or down (`downSeconds`: ingest.nodeDownSeconds), by id; times taken at `at`. */
export async function dashboardIngestNodes(db: Queryable, at: number, downSeconds: number): Promise<IngestNodeFigures[]> {
  return (await listIngestNodes(db, downSeconds)).map((node) => ({
    node: node.id,
    up: node.up,
    classrooms: node.classrooms,
    cpuBusy: node.cpuBusy,
    renditionsShed: node.renditionsShed,
    // Measured on the database's clock as an age, so the catalog's and the database's clocks need not agree.
    sheddingSince: node.sheddingSeconds === null ? null : at - node.sheddingSeconds * 1000,
    seenAt: at - node.seenSecondsAgo * 1000,
  }));
}

/** Replays waiting on ingest disks because their upload to object storage fails (replay-uploader.ts). */
export { failingUploads } from '../catalog/queries/replay-locations.ts';

/** Names of the cities and schools with these ids. */
export async function placeNames(db: Queryable, cityIds: readonly number[], schoolIds: readonly number[]): Promise<{ cities: Map<number, string>; schools: Map<number, string> }> {
  const named = async (table: 'cities' | 'schools', ids: readonly number[]) => {
    if (ids.length === 0) return new Map<number, string>();
    const rows = await db.query<{ id: number; name: string }>(`select id, name from ${table} where id = any($1::int[])`, [ids]);
    return new Map(rows.map((row) => [row.id, row.name]));
  };
  return { cities: await named('cities', cityIds), schools: await named('schools', schoolIds) };
}

export type SessionBucket = { at: number; sessions: number; watchHours: number; fluency: number | null; p2pOffload: number | null };

/** Viewing sessions that finished since `since`, per `bucketSeconds`: how many, hours watched, fluency together, P2P share. */
export async function finishedSessions(db: Queryable, since: number, bucketSeconds: number): Promise<SessionBucket[]> {
  const rows = await db.query<{ bucket: number; sessions: number; watch: number; stall: number; http: number; p2p: number }>(
    `select floor(extract(epoch from created_at)::float8 / $2) * $2 as bucket, count(*)::int as sessions,
            sum(watch_seconds)::float8 as watch, sum(stall_seconds)::float8 as stall, sum(http_bytes)::float8 as http, sum(p2p_bytes)::float8 as p2p
     from viewing_sessions where created_at >= $1 group by 1 order by 1`,
    [new Date(since), bucketSeconds],
  );
  return rows.map((row) => {
    const watch = Number(row.watch);
    const bytes = Number(row.http) + Number(row.p2p);
    return {
      at: Number(row.bucket) * 1000,
      sessions: Number(row.sessions),
      watchHours: watch / 3600,
      fluency: watch > 0 ? 1 - Number(row.stall) / watch : null,
      p2pOffload: bytes > 0 ? Number(row.p2p) / bytes : null,
    };
  });
}

function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
