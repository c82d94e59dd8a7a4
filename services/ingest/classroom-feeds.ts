// The encoders a classroom is pushing from right now: at most one on its primary key and one on its
// backup key, each seen as a SourceFeed a transcoder can start on at its last keyframe. One publish
// session (publish-session.ts) carries the classroom's lesson from whichever of them feed-switch.ts
// chooses. The set lives from its first encoder until its last one leaves; the classroom's next
// publish after that starts a new set (and continues the lesson if it is in its grace period).
import type { EncoderSample, KeyKind } from './catalog-port.ts';
import type { Logger } from '../core/log.ts';
import type { Source } from '../transcode/ladder.ts';
import { meterEncoder } from './encoder-meter.ts';
import { steadySince, type FeedHealth, type SwitchPolicy } from './feed-switch.ts';
import type { Publisher } from './rtmp-server.ts';
import { createSourceFeed, type SourceFeed } from './source-feed.ts';

export type ClassroomFeed = {
  kind: KeyKind;
  publisher: Publisher;
  source: SourceFeed;
  /** The encoder's bitrate and frame rate since the last sample, for its status in the catalog. */
  meter: () => EncoderSample;
  /** What the source is, once its first keyframe has arrived. */
  ready?: Source;
  /** Since when it has sent media steadily (feed-switch.ts), as of the last health check. */
  steadySince?: number;
  closed: boolean;
};

export type ClassroomFeeds = {
  classroomId: string;
  /** Adds an encoder; returns why not (as a refusal reason) when one already pushes on that key kind or the set has emptied. */
  add(kind: KeyKind, publisher: Publisher): ClassroomFeed | string;
  /** Whether an encoder pushes on that key kind. */
  has(kind: KeyKind): boolean;
  get(kind: KeyKind): ClassroomFeed | undefined;
  list(): ClassroomFeed[];
  /** The last encoder has left: the set takes no more. */
  isEmpty(): boolean;
  /** Each encoder's health now, updating its steadiness. */
  health(now: number, policy: SwitchPolicy): FeedHealth[];
  /** Resolves at the next change: an encoder added, ready (first keyframe) or gone. */
  nextChange(): Promise<void>;
  /** Called when an encoder leaves (after the set has forgotten it). */
  onGone(listener: (feed: ClassroomFeed) => void): void;
  closeAll(): void;
};

export type ClassroomFeedsOptions = {
  log: Logger;
  /** How long an accepted encoder may take to send its first keyframe before it is closed. */
  firstKeyframeTimeoutMs: number;
};

export function createClassroomFeeds(classroomId: string, options: ClassroomFeedsOptions): ClassroomFeeds {
  const feeds = new Map<KeyKind, ClassroomFeed>();
  const goneListeners: Array<(feed: ClassroomFeed) => void> = [];
  let emptied = false;
  let wake = () => {};
  let change = new Promise<void>((resolve) => (wake = resolve));
  const changed = () => {
    const woken = wake;
    change = new Promise<void>((resolve) => (wake = resolve));
    woken();
  };

  return {
    classroomId,
    add(kind, publisher) {
      if (emptied) return `classroom ${classroomId}'s encoders have just left; publish again`;
      if (feeds.has(kind)) return `classroom ${classroomId} is already publishing on its ${kind} key`;
      const feed: ClassroomFeed = { kind, publisher, source: createSourceFeed(publisher), meter: meterEncoder(publisher, classroomId), closed: false };
      // An encoder joining a classroom already pushing stands by: what it sent before it carries the
      // lesson is not the lesson, so it keeps no backlog (source-feed.ts).
      if (feeds.size > 0) feed.source.dropBacklog();
      feeds.set(kind, feed);
      publisher.onClose(() => {
        feed.closed = true;
        feeds.delete(kind);
        if (feeds.size === 0) emptied = true;
        for (const listener of goneListeners) listener(feed);
        changed();
      });
      void withTimeout(feed.source.ready, options.firstKeyframeTimeoutMs, 'the encoder sent no H.264 keyframe').then(
        (source) => {
          feed.ready = source;
          changed();
        },
        (error: unknown) => {
          if (feed.closed) return;
          options.log.warn('encoder closed', { classroom: classroomId, keyKind: kind, remoteAddress: publisher.remoteAddress, error });
          publisher.close();
        },
      );
      changed();
      return feed;
    },
    has: (kind) => feeds.has(kind),
    get: (kind) => feeds.get(kind),
    list: () => [...feeds.values()],
    isEmpty: () => emptied,
    health(now, policy) {
      return [...feeds.values()].map((feed) => {
        const health = { kind: feed.kind, ready: feed.ready !== undefined, lastTagAt: feed.source.lastTagAt(), keyframeAt: feed.source.keyframeAt() };
        feed.steadySince = steadySince(feed.steadySince, health, now, policy);
        return { ...health, steadySince: feed.steadySince };
      });
    },
    nextChange: () => change,
    onGone: (listener) => void goneListeners.push(listener),
    closeAll() {
      for (const feed of feeds.values()) feed.publisher.close();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
