// The fragment loader hls.js is given: it wraps the real one (p2p-media-loader's, or hls.js's own
// when P2P is off) to count what hls.js fetched over HTTP itself, and to hand hls.js its own copy of
// every segment p2p-media-loader delivers.
//
// Why the copy: hls.js (enableWorker: true) transfers each segment's ArrayBuffer to its transmuxing
// worker, which detaches it, and p2p-media-loader 2.3.1 stores and later serves to peers that very
// buffer (HybridLoader resolves the engine request with request.data and stores request.data). A
// detached buffer reads as 0 bytes, so without the copy this viewer would serve empty segments to
// its peers (p2p-media-loader issue #522). One memory copy per segment keeps the worker.
import type { FragmentLoaderConstructor, FragmentLoaderContext, LoaderCallbacks, LoaderConfiguration } from 'hls.js';

/** Called with the size of each fragment hls.js's own HTTP loader fetched (not p2p-media-loader's). */
export type OnHttpFragment = (bytes: number) => void;

export function mediaFragmentLoader(Base: FragmentLoaderConstructor, onHttpFragment: OnHttpFragment): FragmentLoaderConstructor {
  return class MediaFragmentLoader extends Base {
    override load(context: FragmentLoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<FragmentLoaderContext>): void {
      // hls.js's loaders pass their XMLHttpRequest or Response as networkDetails; p2p-media-loader,
      // answering from its own HTTP, peers or storage, passes none. Only its buffers are kept by it.
      let copied: { from: ArrayBuffer; to: ArrayBuffer } | undefined;
      const ownCopy = (data: string | ArrayBuffer, networkDetails: unknown): string | ArrayBuffer => {
        // An empty buffer has nothing to copy (and a detached one cannot be sliced).
        if (networkDetails != null || !(data instanceof ArrayBuffer) || data.byteLength === 0) return data;
        if (copied?.from !== data) copied = { from: data, to: data.slice(0) };
        return copied.to;
      };
      const onProgress = callbacks.onProgress;
      const wrapped: LoaderCallbacks<FragmentLoaderContext> = {
        ...callbacks,
        onSuccess(response, stats, loaded, networkDetails) {
          const data = response.data;
          if (networkDetails != null && data instanceof ArrayBuffer) onHttpFragment(data.byteLength);
          const delivered = typeof data === 'string' || data instanceof ArrayBuffer ? ownCopy(data, networkDetails) : data;
          callbacks.onSuccess({ ...response, data: delivered }, stats, loaded, networkDetails);
        },
        ...(onProgress && {
          onProgress(stats, loaded, data, networkDetails) {
            onProgress(stats, loaded, ownCopy(data, networkDetails), networkDetails);
          },
        }),
      };
      super.load(context, config, wrapped);
    }
  };
}
