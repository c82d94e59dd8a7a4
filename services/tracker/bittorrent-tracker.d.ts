// Our declarations for the parts of bittorrent-tracker's server (and of the `ws` sockets it hands
// out) that the tracker mount uses; the package ships no types.
declare module 'bittorrent-tracker/server' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';
  import type { Duplex } from 'node:stream';

  /** A `ws` WebSocket, with what bittorrent-tracker attaches to it. */
  export interface TrackerSocket extends EventEmitter {
    readonly readyState: number;
    send(data: string, callback?: (error?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    /** The tracker's own message handler, set by onWebSocketConnection. */
    onMessageBound: ((data: Buffer | string) => void) | null;
  }

  export type TrackerPeer = { peerId: string; type: string; complete: boolean; socket: TrackerSocket | null };

  /** The `lru` cache a swarm keeps its peers in; peek() drops a peer idle past peersCacheTtl. */
  export type PeerCache = { readonly keys: string[]; readonly length: number; peek(key: string): TrackerPeer | undefined };

  export type TrackerSwarm = {
    infoHash: string;
    complete: number;
    incomplete: number;
    peers: PeerCache;
    /** Without a callback, only for `stopped`: how the tracker itself lets a closed socket's peer go. */
    announce(params: { type: 'ws'; event: 'stopped'; numwant: 0; peer_id: string }): void;
  };

  /** What the filter sees of an announce (or an answer, which travels as one); ids in hex. */
  export type AnnounceParams = { info_hash: string; peer_id: string; event?: string; answer?: unknown; socket?: TrackerSocket };

  export type ServerOptions = {
    /** Milliseconds; WebSocket clients are told to announce every interval / 5. */
    interval?: number;
    http?: boolean;
    udp?: boolean;
    ws?: boolean | { noServer?: boolean; maxPayload?: number; perMessageDeflate?: boolean };
    stats?: boolean;
    trustProxy?: boolean;
    peersCacheLength?: number;
    peersCacheTtl?: number;
    filter?: (infoHash: string, params: AnnounceParams, callback: (error?: Error | null) => void) => void;
  };

  export type WebSocketServer = {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, callback: (socket: TrackerSocket) => void): void;
    emit(event: 'connection', socket: TrackerSocket, request: IncomingMessage): boolean;
  };

  export default class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    torrents: Record<string, TrackerSwarm>;
    ws: WebSocketServer | null;
    close(callback?: () => void): void;
  }
}
