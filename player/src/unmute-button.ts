// A "Tap to unmute" button over the video. Browsers only autoplay muted video, and a viewer who
// does not notice would miss the teacher's voice. It goes away for good once the sound is on.
import videojs from 'video.js/core.es.js';
import { t } from './i18n/i18n.ts';
import type { ButtonClass, Player } from './videojs-types.ts';

const Button = videojs.getComponent('Button') as ButtonClass;

export class UnmuteButton extends Button {
  constructor(player: Player) {
    super(player, {});
    this.controlText(t('player.unmute'));
    const sync = () => {
      if (player.muted()) return;
      player.off('volumechange', sync);
      this.hide();
    };
    player.on('volumechange', sync);
    sync();
  }

  override buildCSSClass(): string {
    return `cc-unmute ${super.buildCSSClass()}`;
  }

  override createEl(): Element {
    const el = super.createEl();
    el.append(
      videojs.dom.createEl('span', { className: 'cc-unmute-icon vjs-icon-volume-mute' }, { 'aria-hidden': 'true' }),
      videojs.dom.createEl('span', { className: 'cc-unmute-label', textContent: t('player.tapToUnmute') }, { 'aria-hidden': 'true' }),
    );
    return el;
  }

  override handleClick(): void {
    const player = this.player();
    player.muted(false);
    if (player.volume() === 0) player.volume(1);
  }
}
