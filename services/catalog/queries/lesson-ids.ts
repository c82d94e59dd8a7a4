// A lesson's identity is the catalog's: its id is made here, for a lesson scheduled through the
// API (lessons-routes.ts) and for an ad-hoc one a publish opens (ingest/lesson-lifecycle.ts). The
// ingest only carries the ids the catalog hands it. Pure.

/** `<classroom>-<yyyymmdd>-<hhmmss>` in UTC: readable in logs and URLs, and sorted by time. */
export function newLessonId(classroomId: string, taken: (id: string) => boolean, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15).toLowerCase();
  const base = `${classroomId}-${stamp}`;
  let id = base;
  for (let suffix = 2; taken(id); suffix++) id = `${base}-${suffix}`;
  return id;
}
