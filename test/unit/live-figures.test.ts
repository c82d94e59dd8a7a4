// The ingest's in-memory live figures: a lesson's dropped and duplicated frames carry on across its
// transcoder runs (ffmpeg counts from zero in each), its speed is known only while a run goes, and
// an encoder's figures are there from its connection until it is forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedClassrooms, encoderFigures, lessonTranscoding, reportRenditionsShed, trackEncoder, trackTranscoderRun } from '../../services/ingest/live-figures.ts';

test("a lesson's frame counts carry on across runs; speed only while a run goes", () => {
  const dir = `/tmp/live-figures-test/${Math.random().toString(36).slice(2)}`;
  assert.equal(lessonTranscoding(dir), undefined);
  const first = trackTranscoderRun(dir);
  first.report({ speed: 1.02, mediaSeconds: 6, droppedFrames: 4, duplicatedFrames: 1 });
  assert.deepEqual(lessonTranscoding(dir), { running: true, speed: 1.02, droppedFrames: 4, duplicatedFrames: 1, renditionsShed: 0 });
  first.finish();
  assert.deepEqual(lessonTranscoding(dir), { running: false, speed: null, droppedFrames: 4, duplicatedFrames: 1, renditionsShed: 0 });
  const second = trackTranscoderRun(dir);
  assert.deepEqual(lessonTranscoding(dir), { running: true, speed: null, droppedFrames: 4, duplicatedFrames: 1, renditionsShed: 0 });
  second.report({ speed: 0.97, mediaSeconds: 4, droppedFrames: 2, duplicatedFrames: 0 });
  assert.deepEqual(lessonTranscoding(dir), { running: true, speed: 0.97, droppedFrames: 6, duplicatedFrames: 1, renditionsShed: 0 });
});

test("a lesson's renditions run side by side: the slowest speed counts, frames add up, shed renditions are reported", () => {
  const dir = `/tmp/live-figures-test/${Math.random().toString(36).slice(2)}`;
  const top = trackTranscoderRun(dir);
  const bottom = trackTranscoderRun(dir);
  top.report({ speed: 0.8, mediaSeconds: 8, droppedFrames: 1, duplicatedFrames: 0 });
  bottom.report({ speed: 1.01, mediaSeconds: 10, droppedFrames: 2, duplicatedFrames: 3 });
  reportRenditionsShed(dir, 1);
  assert.deepEqual(lessonTranscoding(dir), { running: true, speed: 0.8, droppedFrames: 3, duplicatedFrames: 3, renditionsShed: 1 });
  top.finish();
  top.finish();
  assert.deepEqual(lessonTranscoding(dir), { running: true, speed: 1.01, droppedFrames: 3, duplicatedFrames: 3, renditionsShed: 1 });
});

test("an encoder's figures are read live under its classroom until forgotten; the newer of two counts", () => {
  const classroom = `room-${Math.random().toString(36).slice(2)}`;
  let bitrate = 1000;
  const forget = trackEncoder(classroom, () => ({ bitrateKbps: bitrate, fps: 25, keyframeIntervalSeconds: 2, width: 1280, height: 720 }));
  assert.ok(connectedClassrooms().includes(classroom));
  bitrate = 1500;
  assert.equal(encoderFigures(classroom)?.bitrateKbps, 1500);
  const forgetBackup = trackEncoder(classroom, () => ({ bitrateKbps: 900, fps: 25, keyframeIntervalSeconds: 2, width: 1280, height: 720 }));
  assert.equal(encoderFigures(classroom)?.bitrateKbps, 900, 'the encoder that connected last');
  forgetBackup();
  assert.equal(encoderFigures(classroom)?.bitrateKbps, 1500);
  forget();
  assert.equal(encoderFigures(classroom), undefined);
  assert.ok(!connectedClassrooms().includes(classroom));
});
