// Whether a classroom's encoder is pushing, and how well: bitrate, frame rate, picture size, and a
// warning with the fix when its source cannot be served as it is sent (wrong keyframe interval...).
import type { EncoderStatus } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { encoderAdvice, encoderFigures } from './encoder-figures.ts';

export function EncoderPanel({ encoder }: { encoder: EncoderStatus | null }) {
  const figures = encoderFigures(encoder);
  const advice = encoderAdvice(encoder);
  return (
    <div class="encoder" data-encoder={figures.connected ? 'connected' : 'disconnected'}>
      <span class={figures.connected ? 'badge badge-live' : 'badge badge-ended'}>{figures.connected ? t('encoder.connected') : t('encoder.none')}</span>
      {figures.connected && (
        <dl class="encoder-figures">
          <div>
            <dt>{t('encoder.bitrate')}</dt>
            <dd>{figures.bitrate}</dd>
          </div>
          <div>
            <dt>{t('encoder.fps')}</dt>
            <dd>{figures.fps}</dd>
          </div>
          <div>
            <dt>{t('encoder.picture')}</dt>
            <dd>{figures.resolution}</dd>
          </div>
          {encoder?.keyKind && (
            <div>
              <dt>{t('encoder.key')}</dt>
              <dd>{t('encoder.keyKind', { kind: encoder.keyKind })}</dd>
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
          {t('encoder.watch')}
        </a>
      )}
    </div>
  );
}
