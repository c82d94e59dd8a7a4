// What a live lesson's card shows besides its words: its poster (a frame of the lesson, served at
// /live/<lesson>/poster.jpg and refreshed while live; hidden when there is none) and how many watch
// it (/live/<lesson>/viewers.json, {"viewers": n, "at": iso time}: a sessionless document relays
// cache, so the timetable asks no one per viewer; hidden when it cannot be read).
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';

const viewersRefreshMs = 10_000;

export function LessonPoster({ lessonId }: { lessonId: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return <img class="lesson-poster" src={`/live/${encodeURIComponent(lessonId)}/poster.jpg`} alt="" loading="lazy" onError={() => setFailed(true)} />;
}

export function ViewerCount({ lessonId }: { lessonId: string }) {
  const [viewers, setViewers] = useState<number | null>(null);
  useEffect(() => {
    let current = true;
    const load = () =>
      fetch(`/live/${encodeURIComponent(lessonId)}/viewers.json`, { headers: { Accept: 'application/json' } })
        .then((response) => (response.ok ? (response.json() as Promise<{ viewers?: unknown }>) : null))
        .then((body) => current && setViewers(typeof body?.viewers === 'number' && Number.isFinite(body.viewers) ? body.viewers : null))
        .catch(() => current && setViewers(null));
    void load();
    const timer = setInterval(() => void load(), viewersRefreshMs);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [lessonId]);
  if (viewers === null) return null;
  return (
    <span class="lesson-viewers" data-viewers={viewers}>
      {t('timetable.viewers', { viewers })}
    </span>
  );
}
