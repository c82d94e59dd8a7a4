// The OBS Studio profile a school downloads from /school: a folder OBS imports as it is (Profile >
// Import), holding what OBS itself writes into a profile folder: basic.ini (the profile's settings,
// in OBS's INI: Advanced output mode, the picture, frame rate and audio), streamEncoder.json (the
// x264 settings of the stream: CBR bitrate, keyframe interval) and service.json (the custom RTMP
// server and stream key). The settings are the lesson's (services/transcode/encoder-settings.ts).
// Pure: the files as text; the route zips them (classrooms-routes.ts).
import type { EncoderSettings } from '../../transcode/encoder-settings.ts';

export type ObsProfileFiles = { folder: string; files: Record<'basic.ini' | 'streamEncoder.json' | 'service.json', string> };

/** OBS writes INI with CRLF on Windows and reads either; keys and sections as OBS's own defaults name them. */
function ini(sections: Record<string, Record<string, string | number | boolean>>): string {
  return Object.entries(sections)
    .map(([name, values]) => [`[${name}]`, ...Object.entries(values).map(([key, value]) => `${key}=${String(value)}`)].join('\r\n'))
    .join('\r\n\r\n')
    .concat('\r\n');
}

/** A folder name OBS and every file system accept: the classroom id is already a slug ([a-z0-9-]). */
export function obsProfileFolder(classroomId: string): string {
  return `Classcast-${classroomId}`;
}

export function obsProfile(input: { classroomId: string; classroomName: string; server: string; key: string | null; settings: EncoderSettings }): ObsProfileFiles {
  const { settings } = input;
  const basic = ini({
    General: { Name: `Classcast ${input.classroomName}`.replace(/[\r\n]/g, ' ') },
    Output: { Mode: 'Advanced' },
    AdvOut: {
      Encoder: 'obs_x264',
      ApplyServiceSettings: false,
      UseRescale: false,
      TrackIndex: 1,
      Track1Bitrate: settings.audio.kbps,
      AudioEncoder: 'ffmpeg_aac',
    },
    SimpleOutput: { VBitrate: settings.videoKbps, ABitrate: settings.audio.kbps, StreamEncoder: 'x264', Preset: 'veryfast' },
    Video: {
      BaseCX: settings.width,
      BaseCY: settings.height,
      OutputCX: settings.width,
      OutputCY: settings.height,
      FPSType: 1,
      FPSInt: settings.fps,
      FPSCommon: settings.fps,
    },
    Audio: { SampleRate: settings.audio.sampleRate, ChannelSetup: settings.audio.channels === 2 ? 'Stereo' : 'Mono' },
  });
  const streamEncoder = {
    rate_control: 'CBR',
    bitrate: settings.videoKbps,
    keyint_sec: settings.keyframeSeconds,
    preset: 'veryfast',
    profile: 'main',
    tune: 'zerolatency',
  };
  const service = { type: 'rtmp_custom', settings: { server: input.server, key: input.key ?? '', use_auth: false, bwtest: false } };
  return {
    folder: obsProfileFolder(input.classroomId),
    files: { 'basic.ini': basic, 'streamEncoder.json': `${JSON.stringify(streamEncoder, null, 4)}\n`, 'service.json': `${JSON.stringify(service, null, 4)}\n` },
  };
}
