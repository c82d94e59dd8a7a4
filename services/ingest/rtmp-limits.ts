// The bounds the RTMP port enforces against hostile or broken clients. Their defaults live in the
// config schema (the `rtmp` section), so a caller that passes none gets the documented ones.
import { configSchema, type Config } from '../core/config/schema.ts';

export type RtmpLimits = Omit<Config['rtmp'], 'host' | 'port'>;

const { host: _host, port: _port, ...schemaDefaults } = configSchema.shape.rtmp.parse(undefined);
export const defaultRtmpLimits: Readonly<RtmpLimits> = Object.freeze(schemaDefaults);

/**
 * Largest message before a publish is accepted: only commands (connect, createStream, publish)
 * come then, each well under 1 KiB, so an anonymous client cannot make the parser reserve more.
 */
export const commandMessageBytes = 64 * 1024;

/**
 * Chunk streams one connection may open. Encoders use five or six (control, commands, audio,
 * video, data); node-media-server keeps a reassembly buffer for each one ever used.
 */
export const maxChunkStreams = 32;

/**
 * Reassembly memory one connection may hold beside its largest allowed message: room for the
 * other chunk streams' small messages (audio frames, metadata, commands).
 */
export const reassemblyReserveBytes = 256 * 1024;
