// video.js ships `core.es.js` (video.js without its own HLS/DASH engine, VHS) but no declaration for it.
// It is the same `videojs` function as the package's main entry, so reuse that entry's type.
declare module 'video.js/core.es.js' {
  // video.js's declarations are CommonJS-shaped, so from an ES module the default import is the
  // module object and the function is its `default`.
  import type videojsModule from 'video.js';
  const videojs: typeof videojsModule.default;
  export default videojs;
}
