// Reads just enough of an FLV tag (as node-media-server hands them over: 11-byte header, body,
// 4-byte trailer) to know what it is: the transcoder must start at a video keyframe, with the
// codec headers first, and the ladder needs the picture size from the H.264 sequence header.
import { parseH264Sps } from 'node-media-server/src/protocol/sps_info.js';

export type FlvTag =
  | { kind: 'audio'; timestamp: number; isSequenceHeader: boolean; isAac: boolean; codec: AudioCodec }
  | { kind: 'video'; timestamp: number; isKeyframe: boolean; isSequenceHeader: boolean; codec: 'h264' | 'other' }
  | { kind: 'script'; timestamp: number }
  | { kind: 'unknown'; timestamp: number };

const TAG_HEADER = 11;

/** The FLV sound formats an encoder may send, by the 4-bit SoundFormat of the audio tag header. */
export type AudioCodec = 'aac' | 'mp3' | 'pcm' | 'g711' | 'speex' | 'nellymoser' | 'other';
const audioCodecs: Partial<Record<number, AudioCodec>> = { 0: 'pcm', 1: 'pcm', 2: 'mp3', 3: 'pcm', 4: 'nellymoser', 5: 'nellymoser', 6: 'nellymoser', 7: 'g711', 8: 'g711', 10: 'aac', 11: 'speex', 14: 'mp3' };

/** AAC's sampling frequency index (ISO 14496-3, 1.6.3.3) in Hz; 15 (an explicit rate) is not used by encoders here. */
const aacSampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/**
 * Sample rate and channels from an AAC sequence header tag (AudioSpecificConfig: 5 bits object
 * type, 4 bits frequency index, 4 bits channel configuration), or null.
 */
export function aacAudioConfig(tag: Buffer): { sampleRate: number; channels: number } | null {
  const config = TAG_HEADER + 2;
  if (tag.length < config + 2) return null;
  const bits = tag.readUInt16BE(config);
  const sampleRate = aacSampleRates[(bits >> 7) & 0x0f];
  const channels = (bits >> 3) & 0x0f;
  return sampleRate === undefined || channels === 0 ? null : { sampleRate, channels };
}

export function readFlvTag(tag: Buffer): FlvTag {
  if (tag.length < TAG_HEADER + 1) return { kind: 'unknown', timestamp: 0 };
  const timestamp = ((tag[7]! << 24) | (tag[4]! << 16) | (tag[5]! << 8) | tag[6]!) >>> 0;
  const first = tag[TAG_HEADER]!;
  switch (tag[0]) {
    case 8: {
      // AAC (sound format 10) carries an AudioSpecificConfig as packet type 0.
      const isAac = first >> 4 === 10;
      return { kind: 'audio', timestamp, isSequenceHeader: isAac && tag[TAG_HEADER + 1] === 0, isAac, codec: audioCodecs[first >> 4] ?? 'other' };
    }
    case 9: {
      if (first & 0x80) {
        // Enhanced RTMP (HEVC, AV1...): frame type in bits 4-6, packet type in the low nibble.
        return { kind: 'video', timestamp, isKeyframe: ((first >> 4) & 0x07) === 1, isSequenceHeader: (first & 0x0f) === 0, codec: 'other' };
      }
      const isH264 = (first & 0x0f) === 7;
      return {
        kind: 'video',
        timestamp,
        isKeyframe: first >> 4 === 1,
        isSequenceHeader: isH264 && tag[TAG_HEADER + 1] === 0,
        codec: isH264 ? 'h264' : 'other',
      };
    }
    case 18:
      return { kind: 'script', timestamp };
    default:
      return { kind: 'unknown', timestamp };
  }
}

/** Picture size from an H.264 sequence header tag (AVCDecoderConfigurationRecord), or null. */
export function h264PictureSize(tag: Buffer): { width: number; height: number } | null {
  // body: frame/codec byte, AVC packet type, 3-byte composition time, then the record:
  // version, profile, compatibility, level, length size, SPS count, 2-byte SPS length, SPS.
  const record = TAG_HEADER + 5;
  if (tag.length < record + 8) return null;
  const spsCount = tag[record + 5]! & 0x1f;
  if (spsCount < 1) return null;
  const spsLength = tag.readUInt16BE(record + 6);
  const spsStart = record + 8;
  if (spsStart + spsLength > tag.length) return null;
  return parseH264Sps(tag.subarray(spsStart, spsStart + spsLength));
}

/** A copy of the tag with another timestamp (ms; the header's 24 bits plus its extension byte). */
export function withFlvTimestamp(tag: Buffer, timestamp: number): Buffer {
  const copy = Buffer.from(tag);
  copy.writeUIntBE(timestamp & 0xffffff, 4, 3);
  copy[7] = (timestamp >>> 24) & 0xff;
  return copy;
}

/** The 13-byte FLV file header (signature, version, flags, header size, first previous-tag-size). */
export function flvFileHeader(hasAudio: boolean): Buffer {
  return Buffer.from([0x46, 0x4c, 0x56, 0x01, hasAudio ? 0x05 : 0x01, 0, 0, 0, 9, 0, 0, 0, 0]);
}
