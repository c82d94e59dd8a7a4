// The demo encoder's command line: pushes the test lesson to an ingest node, like a classroom encoder would.
//   npm run demo-encoder -- --rtmp rtmp://127.0.0.1:1935/live/<stream key> [--size 1280x720] [--fps 30] [--no-audio] [--duration 60]
import { parseArgs } from 'node:util';
import { findMediaTool } from '../core/ffmpeg-binary.ts';
import { startDemoEncoder } from './demo-encoder.ts';

const { values } = parseArgs({
  options: {
    rtmp: { type: 'string' },
    size: { type: 'string', default: '1280x720' },
    fps: { type: 'string', default: '30' },
    'no-audio': { type: 'boolean', default: false },
    duration: { type: 'string' },
    title: { type: 'string', default: 'Classcast demo lesson' },
  },
});
const size = /^(\d+)x(\d+)$/.exec(values.size ?? '');
if (!values.rtmp || !size) {
  console.error('usage: demo-encoder --rtmp rtmp://host:port/live/<stream key> [--size WxH] [--fps N] [--no-audio] [--duration S]');
  process.exit(2);
}
const encoder = startDemoEncoder({
  ffmpegPath: findMediaTool('ffmpeg', process.env.FFMPEG_PATH),
  rtmpUrl: values.rtmp,
  width: Number(size[1]),
  height: Number(size[2]),
  fps: Number(values.fps),
  audio: !values['no-audio'],
  title: values.title,
  ...(values.duration ? { durationSeconds: Number(values.duration) } : {}),
});
process.on('SIGINT', () => void encoder.stop());
const code = await encoder.exited;
if (code !== 0) console.error(encoder.stderrTail());
process.exit(code ?? 1);
