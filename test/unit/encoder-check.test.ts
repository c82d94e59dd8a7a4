import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEncoder } from '../../player/src/school/encoder-check.ts';
import type { EncoderStatus } from '../../player/src/shared/catalog-types.ts';
import { recommendedEncoderSettings } from '../../services/transcode/encoder-settings.ts';

const normal = recommendedEncoderSettings('normal');
const good: EncoderStatus = {
  connected: true,
  ingestNode: 'p1',
  lessonId: 'room-1',
  keyKind: 'primary',
  bitrateKbps: 2600,
  fps: 30,
  width: 1280,
  height: 720,
  remoteAddress: null,
  advice: null,
  sent: { fps: 30, videoKbps: 2480, keyframeSeconds: 2, audio: { codec: 'aac', sampleRate: 48000, channels: 2 } },
  updatedAt: '',
};
const verdicts = (encoder: EncoderStatus, settings = normal) => Object.fromEntries(checkEncoder(encoder, settings).map((row) => [row.item, row.verdict]));

test('an encoder sending what the lesson needs is green on every row', () => {
  assert.deepEqual(verdicts(good), { resolution: 'ok', fps: 'ok', bitrate: 'ok', keyframes: 'ok', audio: 'ok' });
  assert.ok(checkEncoder(good, normal).every((row) => row.fix === null));
});

test('nothing measured yet is "waiting", not a fix', () => {
  assert.deepEqual(verdicts({ ...good, width: null, height: null, sent: null }), { resolution: 'waiting', fps: 'waiting', bitrate: 'waiting', keyframes: 'waiting', audio: 'waiting' });
  // Audio comes with the first frames: no audio yet is no verdict until a keyframe interval is measured too.
  assert.equal(verdicts({ ...good, sent: { fps: null, videoKbps: null, keyframeSeconds: null, audio: null } }).audio, 'waiting');
  assert.equal(verdicts({ ...good, sent: { ...good.sent!, audio: null } }).audio, 'fix');
});

test('each mismatch gets its fix in words', () => {
  const fixOf = (encoder: EncoderStatus, item: string, settings = normal) => checkEncoder(encoder, settings).find((row) => row.item === item)!;
  const longGop = fixOf({ ...good, sent: { ...good.sent!, keyframeSeconds: 8.3 } }, 'keyframes');
  assert.equal(longGop.verdict, 'fix');
  assert.match(longGop.fix!, /Keyframe Interval = 2 .*GOP = 60 frames/);
  // Low latency: 1 s segments want a keyframe every second; 2 s is too far apart there.
  assert.equal(fixOf(good, 'keyframes', recommendedEncoderSettings('low')).verdict, 'fix');
  assert.match(fixOf(good, 'keyframes', recommendedEncoderSettings('low')).fix!, /Keyframe Interval = 1 /);
  assert.match(fixOf({ ...good, sent: { ...good.sent!, videoKbps: 6000 } }, 'bitrate').fix!, /Too high .*CBR at 2,500 kbit\/s/);
  assert.match(fixOf({ ...good, sent: { ...good.sent!, videoKbps: 400 } }, 'bitrate').fix!, /Too low/);
  assert.match(fixOf({ ...good, width: 640, height: 360 }, 'resolution').fix!, /Send 1280×720/);
  assert.match(fixOf({ ...good, width: 3840, height: 2160 }, 'resolution').fix!, /Send 1280×720/);
  assert.equal(fixOf({ ...good, width: 1920, height: 1080 }, 'resolution').verdict, 'ok');
  assert.match(fixOf({ ...good, sent: { ...good.sent!, fps: 60 } }, 'fps').fix!, /Send 30 fps/);
  assert.match(fixOf({ ...good, sent: { ...good.sent!, fps: 12 } }, 'fps').fix!, /cannot keep up/);
  assert.equal(fixOf({ ...good, sent: { ...good.sent!, fps: 29.97 } }, 'fps').verdict, 'ok');
  assert.match(fixOf({ ...good, sent: { ...good.sent!, audio: { codec: 'aac', sampleRate: 44100, channels: 2 } } }, 'audio').fix!, /Sample Rate = 48 kHz/);
  assert.match(fixOf({ ...good, sent: { ...good.sent!, audio: { codec: 'mp3', sampleRate: null, channels: null } } }, 'audio').fix!, /Send AAC/);
  const audio = fixOf({ ...good, sent: { ...good.sent!, audio: { codec: 'aac', sampleRate: 44100, channels: 1 } } }, 'audio');
  assert.equal(audio.sent, 'AAC 44.1 kHz, mono');
});
