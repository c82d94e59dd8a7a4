// video.js's own words (Play, Pause, LIVE, its error dialog's buttons) in Chinese: the zh-CN file
// video.js ships, registered under our locale name. English is video.js's own language.
import zhCN from 'video.js/dist/lang/zh-CN.json' with { type: 'json' };
import type videojsModule from 'video.js';

export function useVideojsLanguage(videojs: typeof videojsModule.default): void {
  videojs.addLanguage('zh-CN', zhCN);
}
