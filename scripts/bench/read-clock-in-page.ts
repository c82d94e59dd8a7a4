// Reads the demo encoder's burned-in clock off the frame the watch page is showing: draws the video
// into a canvas and samples each clock cell (see services/demo/burned-in-clock.ts).
import type { Page } from 'playwright-core';
import { clockSamplePoints, decodeClock } from '../../services/demo/burned-in-clock.ts';

export type ClockReading = { frameMadeAt: number; shownAt: number; latencyMs: number; behindEdgeSeconds: number | null };

export async function readClock(page: Page): Promise<ClockReading | null> {
  const sample = await page.evaluate((points) => {
    const video = document.querySelector('video');
    if (!video || video.videoWidth === 0 || video.readyState < 2) return null;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    const shownAt = Date.now();
    context.drawImage(video, 0, 0);
    const brightness = points.map(({ x, y }) => {
      // Average a small square at the cell's centre: scaling and compression blur the edges.
      const cx = Math.floor(x * canvas.width);
      const cy = Math.floor(y * canvas.height);
      const data = context.getImageData(cx - 2, cy - 2, 5, 5).data;
      let sum = 0;
      for (let index = 0; index < data.length; index += 4) sum += 0.299 * data[index]! + 0.587 * data[index + 1]! + 0.114 * data[index + 2]!;
      return sum / (data.length / 4);
    });
    const hls = (window as unknown as { classcast?: { hls?: { latency?: number } | null } }).classcast?.hls;
    return { brightness, shownAt, behindEdge: typeof hls?.latency === 'number' ? hls.latency : null };
  }, clockSamplePoints());
  if (!sample) return null;
  const frameMadeAt = decodeClock(sample.brightness, sample.shownAt);
  if (frameMadeAt === null) return null;
  return { frameMadeAt, shownAt: sample.shownAt, latencyMs: sample.shownAt - frameMadeAt, behindEdgeSeconds: sample.behindEdge };
}
