// The live check on a classroom card: while the encoder is connected, what it sends against what the
// lesson needs, row by row (green when right, the fix in words when not, "measuring" until known),
// and a picture of the lesson as viewers see it (/live/<lesson>/poster.jpg, refreshed each minute;
// hidden while there is none).
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { EncoderSettings } from '../../../services/transcode/encoder-settings.ts';
import type { EncoderStatus } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { checkEncoder } from './encoder-check.ts';

const posterRefreshMs = 60_000;

export function EncoderCheckPanel({ encoder, settings }: { encoder: EncoderStatus; settings: EncoderSettings }) {
  const rows = checkEncoder(encoder, settings);
  const allOk = rows.every((row) => row.verdict === 'ok');
  return (
    <section class="encoder-check" data-encoder-check={allOk ? 'ok' : 'not-ok'}>
      <h3>{t('check.title')}</h3>
      {encoder.lessonId && <LivePreview lessonId={encoder.lessonId} />}
      <table class="check-table">
        <thead>
          <tr>
            <th scope="col">{t('check.setting')}</th>
            <th scope="col">{t('check.sends')}</th>
            <th scope="col">{t('check.should')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Fragment key={row.item}>
              <tr data-check={row.item} data-verdict={row.verdict} class={`check-${row.verdict}`}>
                <th scope="row" data-label={t('check.setting')}>
                  <span class="check-mark" aria-hidden="true">{row.verdict === 'ok' ? '✓' : row.verdict === 'fix' ? '!' : '…'}</span> {t('check.item', { item: row.item })}
                </th>
                <td data-label={t('check.sends')}>{row.sent ?? t('check.measuring')}</td>
                <td data-label={t('check.should')}>{row.expected}</td>
              </tr>
              {row.fix && (
                <tr class="check-fix-row" data-fix={row.item}>
                  <td colSpan={3}>{row.fix}</td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {allOk && <p class="check-all-ok">{t('check.allOk')}</p>}
    </section>
  );
}

function LivePreview({ lessonId }: { lessonId: string }) {
  const [failed, setFailed] = useState(false);
  const minute = Math.floor(Date.now() / posterRefreshMs);
  if (failed) return null;
  return (
    <img
      class="live-preview"
      data-live-preview
      src={`/live/${encodeURIComponent(lessonId)}/poster.jpg?m=${minute}`}
      alt={t('check.preview')}
      width={320}
      height={180}
      onError={() => setFailed(true)}
    />
  );
}
