// video.js puts <style> elements in the page for the player's size, which the pages'
// Content-Security-Policy (services/web/page-csp.ts: styles from this server only) refuses. This
// flag, read by video.js as its module runs, makes it size the player with its own CSS classes
// instead; watch.ts imports this module before video.js so it is set in time.
declare global {
  interface Window {
    VIDEOJS_NO_DYNAMIC_STYLE?: boolean;
  }
}

window.VIDEOJS_NO_DYNAMIC_STYLE = true;

export {};
