// "Go live in minutes" on a classroom card: the steps for OBS Studio (download this classroom's
// profile, import it) and for a hardware encoder, with the settings the classroom's lesson needs
// for its latency mode (services/transcode/encoder-settings.ts).
import type { LatencyMode } from '../shared/catalog-types.ts';
import type { EncoderSettings } from '../../../services/transcode/encoder-settings.ts';
import { obsProfileFolder } from '../../../services/catalog/ingest/obs-profile.ts';
import { t } from '../i18n/i18n.ts';

type Props = { classroomId: string; latencyMode: LatencyMode; settings: EncoderSettings; open: boolean; canDownload: boolean };

export function GoLiveGuide({ classroomId, latencyMode, settings, open, canDownload }: Props) {
  const profileUrl = `/api/v1/classrooms/${encodeURIComponent(classroomId)}/obs-profile?latencyMode=${latencyMode}`;
  return (
    <details class="go-live" data-go-live open={open}>
      <summary>{t('guide.title')}</summary>
      <p class="muted">{t('guide.forMode', { mode: latencyMode })}</p>
      <h4>{t('guide.obs')}</h4>
      <ol>
        {canDownload && (
          <li>
            {t('guide.obsStep1')}{' '}
            <a class="button" href={profileUrl} download={`${obsProfileFolder(classroomId)}.zip`} data-obs-profile>
              {t('guide.obsDownload')}
            </a>
          </li>
        )}
        <li>{t('guide.obsStep2', { folder: obsProfileFolder(classroomId) })}</li>
        <li>{t('guide.obsStep3')}</li>
        <li>{t('guide.obsStep4')}</li>
      </ol>
      <h4>{t('guide.hardware')}</h4>
      <ol>
        <li>{t('guide.hardwareStep1')}</li>
        <li>{t('guide.hardwareStep2')}</li>
      </ol>
      <dl class="guide-settings" data-guide-settings>
        <div>
          <dt>{t('guide.video')}</dt>
          <dd>{t('guide.valueVideo')}</dd>
        </div>
        <div>
          <dt>{t('check.item', { item: 'resolution' })}</dt>
          <dd>{`${settings.width}×${settings.height}`}</dd>
        </div>
        <div>
          <dt>{t('check.item', { item: 'fps' })}</dt>
          <dd>{t('unit.fps', { fps: settings.fps })}</dd>
        </div>
        <div>
          <dt>{t('check.item', { item: 'bitrate' })}</dt>
          <dd>{t('check.expectBitrate', { kbps: settings.videoKbps })}</dd>
        </div>
        <div>
          <dt>{t('check.item', { item: 'keyframes' })}</dt>
          <dd data-keyframes={settings.keyframeSeconds}>{t('guide.valueKeyframes', { seconds: settings.keyframeSeconds, frames: settings.keyframeSeconds * settings.fps, fps: settings.fps })}</dd>
        </div>
        <div>
          <dt>{t('check.item', { item: 'audio' })}</dt>
          <dd>{t('guide.valueAudio', { kbps: settings.audio.kbps })}</dd>
        </div>
      </dl>
    </details>
  );
}
