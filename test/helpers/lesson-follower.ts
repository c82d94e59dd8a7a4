// A viewer that keeps watching a live lesson over HTTP, as a player would: it re-reads the first
// rendition's live playlist and fetches each new segment, counting what it got and what failed.
import { fetchBytes, fetchPlaylist } from './media.ts';
import { waitFor } from './wait-for.ts';

export type LessonFollower = {
  lessonId: string;
  /** Highest media sequence seen plus the segments listed after it: the lesson's segment count so far. */
  segmentsSeen(): number;
  /** Segments fetched in full, and playlist or segment fetches that failed. */
  fetched(): number;
  failures(): string[];
  stop(): Promise<void>;
};

type LessonList = { lessons: Array<{ id: string; classroomId: string; state: string }> };

/** Waits for `classroomId`'s live lesson and its first rendition, then follows it until stopped. */
export async function followLesson(baseUrl: string, classroomId: string): Promise<LessonFollower> {
  const lessonId = await waitFor(`a live lesson of ${classroomId}`, async () => {
    const { lessons } = (await (await fetch(`${baseUrl}/api/v1/ingest/lessons?state=all`)).json()) as LessonList;
    return lessons.find((lesson) => lesson.classroomId === classroomId && lesson.state === 'live')?.id;
  }, 60_000);
  const variant = await waitFor('a master playlist', async () => (await fetchPlaylist(`${baseUrl}/live/${lessonId}/master.m3u8`)).playlists?.[0]?.uri, 60_000);
  const playlistUrl = new URL(variant, `${baseUrl}/live/${lessonId}/master.m3u8`).href;
  let newest = 0;
  let fetched = 0;
  const failures: string[] = [];
  const got = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const playlist = await fetchPlaylist(playlistUrl);
        newest = Math.max(newest, (playlist.mediaSequence ?? 0) + playlist.segments.length);
        for (const segment of playlist.segments.slice(-2)) {
          if (got.has(segment.uri)) continue;
          got.add(segment.uri);
          await fetchBytes(new URL(segment.uri, playlistUrl).href);
          fetched += 1;
        }
      } catch (error) {
        failures.push((error as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  return {
    lessonId,
    segmentsSeen: () => newest,
    fetched: () => fetched,
    failures: () => [...failures],
    async stop() {
      running = false;
      await loop;
    },
  };
}
