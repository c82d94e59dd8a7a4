// The name a downloaded replay is saved under: what a person would call the file, in the words the
// school wrote (Chinese or English), e.g. "数学 - 一元二次方程 - 2026-12-07 0810.mp4": the course,
// the lesson, and the day and time it started in the province's time zone. Pure.
import { wallClockAt } from '../../../player/src/i18n/zoned-time.ts';

/** Characters no file system takes in a name, and control characters. */
const unsafe = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;

export function mp4DownloadName(recording: { courseTitle: string | null; lessonTitle: string; startedAt: string }, timeZone: string): string {
  const clock = wallClockAt(new Date(recording.startedAt), timeZone);
  const two = (value: number) => String(value).padStart(2, '0');
  const when = `${clock.year}-${two(clock.month)}-${two(clock.day)} ${two(clock.hour)}${two(clock.minute)}`;
  const words = [recording.courseTitle, recording.lessonTitle]
    .map((part) => (part ?? '').replace(unsafe, ' ').replace(/\s+/g, ' ').trim())
    .filter((part, index, all) => part !== '' && all.indexOf(part) === index);
  // Room for the date and ".mp4" within the 255 bytes most file systems allow (3 bytes a Chinese character).
  const title = [...words.join(' - ')].slice(0, 60).join('').trim();
  return `${title === '' ? 'replay' : title} - ${when}.mp4`;
}
