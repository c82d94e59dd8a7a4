// Whether a classroom's encoder is pushing, and how well: bitrate, frame rate, picture size, and a
// warning with the fix when its source cannot be served as it is sent (wrong keyframe interval...).
import type { EncoderStatus } from '../shared/catalog-types.ts';
import { encoderAdvice, encoderFigures } from './encoder-figures.ts';

export function EncoderPanel({ encoder }: { encoder: EncoderStatus | null }) {
  const figures = encoderFigures(encoder);
  const advice = encoderAdvice(encoder);
  return (
    <div class="encoder" data-encoder={figures.connected ? 'connected' : 'disconnected'}>
      <span class={figures.connected ? 'badge badge-live' : 'badge badge-ended'}>{figures.connected ? 'Encoder connected' : 'No encoder'}</span>
      {figures.connected && (
        <dl class="encoder-figures">
          <div>
            <dt>Bitrate</dt>
            <dd>{figures.bitrate}</dd>
          </div>
          <div>
            <dt>Frame rate</dt>
            <dd>{figures.fps}</dd>
          </div>
          <div>
            <dt>Picture</dt>
            <dd>{figures.resolution}</dd>
          </div>
          {encoder?.keyKind && (
            <div>
              <dt>Key</dt>
              <dd>{encoder.keyKind}</dd>
            </div>
          )}
        </dl>
      )}
      {advice && (
        <p class="encoder-advice" role="alert">
          {advice}
        </p>
      )}
      {figures.connected && encoder?.lessonId && (
        <a class="encoder-lesson" href={`/watch/${encodeURIComponent(encoder.lessonId)}`}>
          Watch the live lesson
        </a>
      )}
    </div>
  );
}
