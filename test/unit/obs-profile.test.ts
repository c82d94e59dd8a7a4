import { test } from 'node:test';
import assert from 'node:assert/strict';
import { obsProfile } from '../../services/catalog/ingest/obs-profile.ts';
import { recommendedEncoderSettings } from '../../services/transcode/encoder-settings.ts';
import { aacAudioConfig } from '../../services/ingest/flv-tag.ts';

test('an OBS profile: basic.ini in OBS INI sections, the x264 stream settings and the custom RTMP service', () => {
  const profile = obsProfile({ classroomId: 'room-101', classroomName: 'Room\n101', server: 'rtmp://ingest.example.edu:1935/live', key: 'k3y', settings: recommendedEncoderSettings('high') });
  assert.equal(profile.folder, 'Classcast-room-101');
  const basic = profile.files['basic.ini'];
  assert.match(basic, /^\[General\]\r\nName=Classcast Room 101\r\n/, 'a line break in a name cannot start another INI line');
  assert.match(basic, /\[Output\]\r\nMode=Advanced\r\n/);
  assert.match(basic, /\[Video\]\r\nBaseCX=1280\r\nBaseCY=720\r\nOutputCX=1280\r\nOutputCY=720\r\nFPSType=1\r\nFPSInt=30\r\n/);
  assert.match(basic, /\[Audio\]\r\nSampleRate=48000\r\nChannelSetup=Stereo\r\n$/);
  assert.deepEqual(JSON.parse(profile.files['streamEncoder.json']), { rate_control: 'CBR', bitrate: 2500, keyint_sec: 2, preset: 'veryfast', profile: 'main', tune: 'zerolatency' });
  assert.deepEqual(JSON.parse(profile.files['service.json']), { type: 'rtmp_custom', settings: { server: 'rtmp://ingest.example.edu:1935/live', key: 'k3y', use_auth: false, bwtest: false } });
});

test('the recommended settings follow the latency mode: a keyframe per 1 s segment when low, every 2 s otherwise', () => {
  assert.equal(recommendedEncoderSettings('low').keyframeSeconds, 1);
  assert.equal(recommendedEncoderSettings('normal').keyframeSeconds, 2);
  assert.equal(recommendedEncoderSettings('high').keyframeSeconds, 2);
  const normal = recommendedEncoderSettings('normal');
  assert.ok(normal.videoKbps <= normal.maxVideoKbps);
});

test('sample rate and channels from an AAC sequence header tag', () => {
  // 11-byte tag header, audio byte (AAC, 44 kHz flag, 16 bit, stereo), packet type 0, AudioSpecificConfig.
  const tag = (config: number[]) => Buffer.from([8, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0xaf, 0, ...config, 0, 0, 0, 15]);
  assert.deepEqual(aacAudioConfig(tag([0x11, 0x90])), { sampleRate: 48000, channels: 2 }); // AAC-LC, index 3, 2 channels
  assert.deepEqual(aacAudioConfig(tag([0x12, 0x08])), { sampleRate: 44100, channels: 1 }); // AAC-LC, index 4, mono
  assert.equal(aacAudioConfig(tag([0x11])), null, 'too short');
});
