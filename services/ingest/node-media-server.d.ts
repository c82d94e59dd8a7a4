// Our declarations for the parts of node-media-server 4.4.3 (pinned exactly) that the RTMP adapter
// uses; the package ships no types. Only rtmp-server.ts imports these modules.
declare module 'node-media-server/src/core/context.js' {
  import type { EventEmitter } from 'node:events';
  import type { NmsBroadcast, NmsSession } from 'node-media-server/src/session/rtmp_session.js';
  const Context: {
    config: Record<string, unknown>;
    sessions: Map<string, unknown>;
    broadcasts: Map<string, NmsBroadcast>;
    eventEmitter: EventEmitter;
  };
  export default Context;
  export type { NmsSession };
}

declare module 'node-media-server/src/core/logger.js' {
  const logger: { level: string; log(message: string, level?: string): void };
  export default logger;
}

declare module 'node-media-server/src/session/rtmp_session.js' {
  import type { Socket } from 'node:net';
  /** A subscriber as BroadcastServer sees it: internal ones have an empty ip and are not counted as plays. */
  export type NmsSubscriber = {
    id: string;
    ip: string;
    protocol: 'flv' | 'rtmp';
    streamPath: string;
    endTime: number;
    sendBuffer(buffer: Buffer): void;
    close(): void;
  };
  export type NmsBroadcast = {
    streamPath: string;
    publisher: NmsSession | null;
    postPlay(session: NmsSubscriber): string | null;
    donePlay(session: NmsSubscriber): void;
  };
  export type NmsSession = {
    id: string;
    ip: string;
    socket: Socket;
    protocol: string;
    streamApp: string;
    streamName: string;
    streamPath: string;
    isPublisher: boolean;
    broadcast: NmsBroadcast;
    videoWidth: number;
    videoHeight: number;
    videoFramerate: number;
    audioCodec: number;
    inBytes: number;
  };
}

declare module 'node-media-server/src/server/rtmp_server.js' {
  import type { Socket } from 'node:net';
  export default class NodeRtmpServer {
    handleRequest(socket: Socket): void;
    stop(): void;
  }
}

declare module 'node-media-server/src/protocol/sps_info.js' {
  export function parseH264Sps(sps: Buffer): { width: number; height: number } | null;
}
