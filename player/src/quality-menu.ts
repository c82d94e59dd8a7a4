// The control bar's quality menu: "Auto" plus one entry per rendition, best first. The active entry is
// marked; in Auto, the Auto entry names the rendition playing ("Auto (480p)"), and the button shows
// the choice ("Auto" or "720p").
import videojs from 'video.js/core.es.js';
import { HlsQuality } from './hls-quality.ts';
import { t } from './i18n/i18n.ts';
import { autoLabel, levelLabel, menuOrder, type QualityLevel } from './quality-labels.ts';
import type { MenuButtonClass, MenuItemClass, Player } from './videojs-types.ts';

const MenuButton = videojs.getComponent('MenuButton') as MenuButtonClass;
const MenuItem = videojs.getComponent('MenuItem') as MenuItemClass;

/** Level -1 stands for Auto, as in hls.js. */
const autoLevel = -1;

type QualityMenuItemOptions = { label: string; level: number; quality: HlsQuality; selected: boolean };

class QualityMenuItem extends MenuItem {
  readonly level: number;
  readonly #quality: HlsQuality;

  constructor(player: Player, options: QualityMenuItemOptions) {
    super(player, { ...options, selectable: true });
    this.level = options.level;
    this.#quality = options.quality;
  }

  override handleClick(): void {
    this.#quality.setLevel(this.level);
  }

  setLabel(text: string): void {
    const textEl = this.el().querySelector('.vjs-menu-item-text');
    if (textEl) textEl.textContent = text;
  }
}

export class QualityMenuButton extends MenuButton {
  // Set while MenuButton's constructor builds the menu, before this class's own fields would exist;
  // `declare` keeps the compiled class from resetting it afterwards.
  declare private builtFor: string;
  readonly #stopListening: () => void;

  constructor(player: Player, options: { quality: HlsQuality }) {
    super(player, options);
    this.controlText(t('player.quality'));
    this.#stopListening = options.quality.onChange(() => this.refresh());
    this.refresh();
  }

  override buildCSSClass(): string {
    return `cc-quality ${super.buildCSSClass()}`;
  }

  override buildWrapperCSSClass(): string {
    return `cc-quality ${super.buildWrapperCSSClass()}`;
  }

  override createEl(): Element {
    const el = super.createEl();
    el.appendChild(videojs.dom.createEl('div', { className: 'cc-quality-value', textContent: t('player.auto') }));
    return el;
  }

  override createMenu() {
    const menu = super.createMenu();
    // Hide the button until there are at least two renditions to choose from (Auto + 2 entries).
    this.hideThreshold_ = 2;
    return menu;
  }

  override createItems(): QualityMenuItem[] {
    const quality = this.quality();
    const levels = quality.levels();
    this.builtFor = signature(levels);
    const selected = quality.selectedLevel();
    const entries = [
      { label: t('player.auto'), level: autoLevel },
      ...menuOrder(levels).map((level) => ({ label: levelLabel(level, levels), level: level.index })),
    ];
    return entries.map(
      ({ label, level }) =>
        new QualityMenuItem(this.player(), { label, level, quality, selected: level === selected }),
    );
  }

  override dispose(): void {
    this.#stopListening();
    super.dispose();
  }

  /** Rebuilds the menu when the renditions changed, else marks the active entry and relabels. */
  private refresh(): void {
    const quality = this.quality();
    const levels = quality.levels();
    if (signature(levels) !== this.builtFor) this.update();
    const selected = quality.selectedLevel();
    const playing = levels.find((level) => level.index === quality.currentLevel());
    for (const child of this.menu.children()) {
      if (!(child instanceof QualityMenuItem)) continue;
      child.selected(child.level === selected);
      if (child.level === autoLevel) child.setLabel(autoLabel(playing, levels));
    }
    const chosen = levels.find((level) => level.index === selected);
    const valueEl = this.el().querySelector('.cc-quality-value');
    if (valueEl) valueEl.textContent = chosen ? levelLabel(chosen, levels) : t('player.auto');
  }

  // MenuButton's constructor calls createItems() before this constructor's body runs, so the quality
  // source is read from video.js's options (kept by reference: HlsQuality is a class instance).
  private quality(): HlsQuality {
    const quality: unknown = this.options_.quality;
    if (!(quality instanceof HlsQuality)) throw new Error('QualityMenuButton needs options.quality (an HlsQuality)');
    return quality;
  }
}

function signature(levels: readonly QualityLevel[]): string {
  return levels.map((level) => `${level.index}:${level.height}:${level.bitrate}`).join(',');
}
