// The ingest's advice on an encoder's settings (services/transcode/source-fitness.ts), in the page's
// language. The ingest writes it as one English sentence, which logs and the API keep; the page
// knows its two forms and says them again from their figures. An advice of another form is shown
// as the ingest wrote it; test/unit/encoder-advice-words.test.ts fails when the ingest's words and
// these patterns part. Pure.
import { t } from '../i18n/i18n.ts';

const forms: Array<{ pattern: RegExp; say(match: RegExpExecArray): string }> = [
  {
    pattern: /^keyframe interval ([\d.]+) s: set ([\d.]+) s in your encoder \(OBS: Output > Keyframe Interval = [\d.]+\)$/,
    say: (match) => t('encoder.adviceKeyframes', { seconds: Number(match[1]), target: Number(match[2]) }),
  },
  {
    pattern: /^bitrate ([\d.]+) Mb\/s: set at most ([\d.]+) Mb\/s \(CBR\) in your encoder$/,
    say: (match) => t('encoder.adviceBitrate', { mbps: Number(match[1]), max: Number(match[2]) }),
  },
];

export function adviceInWords(advice: string): string {
  for (const { pattern, say } of forms) {
    const match = pattern.exec(advice);
    if (match) return say(match);
  }
  return advice;
}
