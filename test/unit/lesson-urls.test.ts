import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lessonIdFromPath, timeShiftMasterUrl } from '../../player/src/lesson-urls.ts';

test('the lesson id is the last segment of /watch/<lessonId>', () => {
  assert.equal(lessonIdFromPath('/watch/demo-classroom-20261121-221632'), 'demo-classroom-20261121-221632');
  assert.equal(lessonIdFromPath('/watch/room_1.a/'), 'room_1.a');
  assert.equal(timeShiftMasterUrl('room-1'), '/live/room-1/master-timeshift.m3u8');
});

test('paths that do not name a lesson give no id', () => {
  for (const path of ['/', '/watch', '/watch/', '/watch/..', '/watch/a..b', '/watch/%E0%A4%A', '/watch/a%2Fb', '/watch/-x', '/watch/' + 'x'.repeat(200)]) {
    assert.equal(lessonIdFromPath(path), null, path);
  }
});

test('the time-shift master playlist comes from the media base the server names, when it names one', () => {
  assert.equal(timeShiftMasterUrl('room-1', 'http://relay.example:8081/'), 'http://relay.example:8081/live/room-1/master-timeshift.m3u8');
});
