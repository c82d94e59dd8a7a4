// The one description of every Classcast option: type, default and bounds.
// classcast.example.yml documents the same options for people; config.test.ts keeps the two in step.
import { z } from 'zod';
import { locales } from '../../../player/src/i18n/locales.ts';
import { isTimeZone } from '../../../player/src/i18n/zoned-time.ts';

export const latencyModes = ['low', 'normal', 'high'] as const;
export type LatencyMode = (typeof latencyModes)[number];

const port = z.number().int().min(0).max(65535);
/** The shortest stream key a classroom may be given now: 64^16 = 2^96 keys, hopeless to guess. */
export const newStreamKeyMinLength = 16;

/** A token bucket: this many at once, then this many a second. */
const mp4RateLimit = z.object({ burst: z.number().int().min(1).max(10_000), perSecond: z.number().positive().max(1000) }).strict();
// A configured key (classrooms: [...], --classroom ID:KEY) is a new key to the catalog, so it must be
// as hard to guess as a generated one; keys stored before this rule (8 and more) keep working there.
const streamKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/, 'a stream key is letters, digits, "_" or "-"')
  .min(newStreamKeyMinLength, `a stream key is at least ${newStreamKeyMinLength} characters, so it cannot be guessed; make one with \`openssl rand -hex 16\`, or create the classroom at /admin and let the catalog generate its key`)
  .max(128, 'a stream key is at most 128 characters');
const classroomId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a classroom id is lowercase letters, digits and "-", starting with a letter or digit');

/** One WebRTC ICE server as the browser's RTCIceServer takes it: STUN, or TURN with its credentials. */
export const iceServerSchema = z
  .object({
    urls: z.union([z.string().regex(/^(stuns?|turns?):/, 'an ICE server URL starts with stun:, stuns:, turn: or turns:'), z.array(z.string().regex(/^(stuns?|turns?):/)).min(1)]),
    username: z.string().optional(),
    credential: z.string().optional(),
  })
  .strict();

export const classroomSchema = z.object({ id: classroomId, key: streamKey }).strict();

/**
 * Where finished replays live (services/replay/replay-bucket.ts): on the ingest node's disk, or in an
 * S3-compatible bucket (Ceph RGW, MinIO, a cloud's OSS) once uploaded and verified.
 */
export const s3StorageSchema = z
  .object({
    endpoint: z.string().regex(/^https?:\/\/[^\s/?#]+\/?$/, "the S3 endpoint is http(s)://host[:port], e.g. http://minio-1.example:9000 or https://rgw.example.edu, with no path (the bucket is 'bucket')"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name is 3 to 63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit'),
    region: z.string().min(1).default('us-east-1'),
    accessKeyId: z.string().min(1, 'storage.s3.accessKeyId is empty: set it, or CLASSCAST_S3_ACCESS_KEY_ID'),
    secretAccessKey: z.string().min(1, 'storage.s3.secretAccessKey is empty: set it, or CLASSCAST_S3_SECRET_ACCESS_KEY'),
    // MinIO and Ceph RGW are usually addressed as endpoint/bucket/key (path style), not bucket.endpoint/key.
    forcePathStyle: z.boolean().default(true),
    // lib-storage's multipart part size; 5 MiB is S3's smallest part.
    partSizeMb: z.number().int().min(5).max(5120).default(8),
    // Files of one replay uploaded at once.
    uploadConcurrency: z.number().int().min(1).max(64).default(8),
  })
  .strict();

export const storageSchema = z
  .object({
    kind: z.enum(['local', 's3']).default('local'),
    s3: s3StorageSchema.optional(),
    // How often an ingest node looks for finished replays still on its disk; a failed upload waits
    // this long, doubling per failure up to uploadRetryMaxSeconds.
    uploadRetrySeconds: z.number().min(0.2).max(3600).default(30),
    uploadRetryMaxSeconds: z.number().min(1).max(86_400).default(900),
  })
  .strict()
  .refine((storage) => storage.kind !== 's3' || storage.s3 !== undefined, {
    message: "storage.kind is 's3' but storage.s3 is missing: give its endpoint, bucket, accessKeyId and secretAccessKey (docs/deploy.md, \"Replays in object storage\")",
    path: ['s3'],
  })
  .refine((storage) => storage.uploadRetryMaxSeconds >= storage.uploadRetrySeconds, {
    message: 'storage.uploadRetryMaxSeconds must be at least storage.uploadRetrySeconds',
    path: ['uploadRetryMaxSeconds'],
  });

/**
 * Signed playback (services/core/playback-token.ts), shared by every tier: the secrets (the first
 * signs, all verify, so a new secret goes first and the old one stays until its tokens expire), how
 * long a token the catalog issues lasts, and the city this node serves (a relay refuses tokens bound
 * to another city). A node given no secret makes one for its own process (playback-settings.ts).
 */
export const playbackSchema = z
  .object({
    secrets: z.array(z.string().min(32, 'a playback secret is at least 32 characters')).max(2).default([]),
    // Watch pages renew their token before it expires, so a short lifetime costs only catalog requests.
    // Below a minute is for tests (token renewal in a browser); keep it well above the clock skew
    // between the catalog and the tiers.
    tokenTtlSeconds: z.number().int().min(5).max(7 * 24 * 3600).default(4 * 3600),
    city: z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, 'a city is its catalog id').optional(),
  })
  .strict();

/** A token bucket: `burst` at once, refilled at `perSecond`. */
const qaRateSchema = z.object({ burst: z.number().int().min(1).max(100_000), perSecond: z.number().min(0.001).max(100_000) }).strict();

export const configSchema = z
  .object({
    node: z.object({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('province-1') }).strict().prefault({}),
    log: z.object({ level: z.enum(['debug', 'info', 'warn', 'error']).default('info') }).strict().prefault({}),
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z.string().url().optional(),
    http: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(8080),
        publicUrl: z.string().url().optional(),
        // Express's `trust proxy`: behind a TLS proxy, lets cookies be Secure and the login throttle,
        // audit log and tokens see the viewer's address instead of the proxy's.
        trustProxy: z.union([z.boolean(), z.number().int().min(0).max(10), z.string().min(1)]).default(false),
      })
      .strict()
      .prefault({}),
    // Ingest hardening: caps, timeouts and message bounds for the RTMP port (services/ingest/rtmp-limits.ts).
    rtmp: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(1935),
        maxConnections: z.number().int().min(1).max(100_000).default(400),
        maxConnectionsPerIp: z.number().int().min(1).max(100_000).default(100),
        maxHandshakesPerIp: z.number().int().min(1).max(100_000).default(40),
        maxPublishers: z.number().int().min(1).max(10_000).default(50),
        maxPublishersPerIp: z.number().int().min(1).max(10_000).default(40),
        handshakeTimeoutSeconds: z.number().min(1).max(300).default(5),
        idleTimeoutSeconds: z.number().min(1).max(3600).default(30),
        maxMessageBytes: z.number().int().min(65_536).max(16 * 1024 ** 2).default(8 * 1024 ** 2),
        maxGopBytes: z.number().int().min(65_536).max(1024 ** 3).default(32 * 1024 ** 2),
      })
      .strict()
      .prefault({}),
    ffmpegPath: z.string().min(1).optional(),
    classrooms: z.array(classroomSchema).default([]),
    ingest: z
      .object({
        latencyMode: z.enum(latencyModes).default('normal'),
        reconnectGraceSeconds: z.number().min(0).max(3600).default(60),
        liveWindowSegments: z.number().int().min(3).max(60).default(6),
        encoderIdleSeconds: z.number().min(1).max(120).default(10),
        transcoderStallSeconds: z.number().min(2).max(120).default(20),
        diskMinFreeBytes: z.number().int().min(0).default(1024 ** 3),
        diskMinFreePercent: z.number().min(0).max(99).default(5),
        diskCheckSeconds: z.number().min(1).max(600).default(5),
        backupSwitchSeconds: z.number().min(0.25).max(60).default(1.5),
        primaryReturnSeconds: z.number().min(0).max(600).default(5),
        // Several ingest nodes on one catalog (services/catalog/ingest/ingest-nodes.ts): where encoders
        // push on this node (no key) and its origin; unset, this node's own loopback ports.
        rtmpUrl: z.string().regex(/^rtmps?:\/\/[^\s/?#]+(\/[^\s?#]*[^\s?#/])?$/, 'an RTMP push URL without the key and without a trailing slash, e.g. rtmp://ingest-1.example:1935/live').optional(),
        httpUrl: z.string().regex(/^https?:\/\/[^\s/?#]+$/, "this node's origin as http(s)://host[:port], no path, e.g. http://ingest-1.example:8080").optional(),
        heartbeatSeconds: z.number().min(0.1).max(60).default(2),
        nodeDownSeconds: z.number().min(0.5).max(600).default(6),
        // A node down this long (it died, or was taken away, without leaving cleanly) is removed
        // from the catalog by the catalog's sweep, which runs every nodeSweepSeconds.
        nodeForgetMinutes: z.number().min(1).max(525_600).default(1440),
        nodeSweepSeconds: z.number().min(1).max(3600).default(60),
      })
      .strict()
      .refine((ingest) => ingest.nodeDownSeconds > ingest.heartbeatSeconds, {
        message: 'ingest.nodeDownSeconds must be longer than ingest.heartbeatSeconds (three beats is usual), or live nodes would count as down',
        path: ['nodeDownSeconds'],
      })
      .refine((ingest) => ingest.nodeForgetMinutes * 60 > ingest.nodeDownSeconds, {
        message: 'ingest.nodeForgetMinutes must be longer than ingest.nodeDownSeconds: a node is forgotten only once it is down',
        path: ['nodeForgetMinutes'],
      })
      .prefault({}),
    transcode: z
      .object({
        preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
        audioBitrateKbps: z.number().int().min(32).max(320).default(96),
        maxRenditions: z.number().int().min(1).max(4).default(3),
        // Lesson pictures (services/pictures/): the poster's refresh, one seek-bar thumbnail per
        // thumbnailSeconds of lesson, gathered into a new sprite every thumbnailBatchSeconds.
        posterSeconds: z.number().min(1).max(3600).default(60),
        thumbnailSeconds: z.number().min(1).max(600).default(5),
        thumbnailBatchSeconds: z.number().min(1).max(3600).default(30),
        // `one`: the encoded rungs of a lesson share one ffmpeg that decodes the source once;
        // `each`: one ffmpeg per rung (each decodes; a rung is shed without touching the others).
        rungProcesses: z.enum(['one', 'each']).default('one'),
      })
      .strict()
      .prefault({}),
    relay: z
      .object({
        upstreams: z.array(z.string().url()).default([]),
        memoryCacheMb: z.number().int().min(1).max(65536).default(256),
        diskCacheMb: z.number().int().min(0).max(10_485_760).default(2048),
        firstByteTimeoutMs: z.number().int().min(100).max(60_000).default(2000),
        stallTimeoutMs: z.number().int().min(100).max(60_000).default(2000),
        upstreamRetrySeconds: z.number().min(1).max(3600).default(10),
        prefetchIdleSeconds: z.number().min(1).max(3600).default(30),
        maxPlaylistKb: z.number().int().min(16).max(1_048_576).default(4096),
        maxInitKb: z.number().int().min(16).max(1_048_576).default(1024),
        maxSegmentMb: z.number().int().min(1).max(4096).default(64),
        port: port.default(8081),
      })
      .strict()
      .prefault({}),
    catalog: z
      .object({
        earlyStartMinutes: z.number().min(0).max(240).default(15),
        keyRefreshSeconds: z.number().min(0.2).max(300).default(2),
        sessionHours: z.number().min(1).max(24 * 90).default(12),
        recordingRetentionDays: z.number().int().min(1).max(36500).default(180),
        retentionSweepMinutes: z.number().min(1).max(10080).default(60),
        allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port], e.g. https://admin.example.edu, with no path')).default([]),
        // MP4 downloads (POST /recordings/:id/mp4): requests per viewer, and preparations started per catalog node.
        mp4Downloads: z
          .object({ perViewer: mp4RateLimit.default({ burst: 5, perSecond: 0.05 }), perNode: mp4RateLimit.default({ burst: 6, perSecond: 0.1 }) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    // The live classroom's questions and comments (docs/classroom.md): the longest post, and token
    // buckets for posts and votes per viewer (account, or address when anonymous), per address (a
    // school's students often share one) and per lesson (all its viewers together).
    qa: z
      .object({
        maxLength: z.number().int().min(10).max(2000).default(500),
        perViewer: qaRateSchema.default({ burst: 5, perSecond: 0.2 }),
        perAddress: qaRateSchema.default({ burst: 60, perSecond: 2 }),
        perLesson: qaRateSchema.default({ burst: 100, perSecond: 30 }),
      })
      .strict()
      .prefault({}),
    // The pages the catalog serves (the watch, time-shift and replay pages).
    web: z
      .object({
        mediaUrls: z
          .array(z.string().regex(/^https?:\/\/[^/\s"'<>?#@]+$/, 'a media URL is http(s)://host[:port], e.g. http://relay-1.example:8081, with no path'))
          .max(20)
          .default([]),
        defaultLocale: z.enum(locales).default('zh-CN'),
        timeZone: z
          .string()
          .refine(isTimeZone, 'a time zone is an IANA name this Node knows, e.g. Asia/Shanghai')
          .default('Asia/Shanghai'),
      })
      .strict()
      .prefault({}),
    p2p: z
      .object({
        enabled: z.boolean().default(true),
        iceServers: z.array(iceServerSchema).default([]),
        trackerUrl: z.string().regex(/^wss?:\/\/[^\s"'<>]+$/, 'a tracker URL is ws:// or wss://').optional(),
      })
      .strict()
      .prefault({}),
    // Raised hands (services/hands/): how many calls a lesson's console holds at once, and the ICE
    // servers the call's two browsers use, with TURN credentials made per connection from turnSecret.
    hands: z
      .object({
        maxAccepted: z.number().int().min(1).max(8).default(1),
        iceServers: z.array(iceServerSchema).max(10).default([]),
        turnSecret: z.string().min(16, 'hands.turnSecret is at least 16 characters: make one with `openssl rand -hex 32`').optional(),
        turnCredentialSeconds: z.number().int().min(60).max(7 * 24 * 3600).default(12 * 3600),
      })
      .strict()
      .prefault({}),
    alarms: z
      .object({
        webhookUrl: z.string().url().optional(),
        checkSeconds: z.number().min(0.5).max(300).default(5),
        lateStartMinutes: z.number().min(0).max(240).default(2),
        stallSeconds: z.number().min(5).max(600).default(15),
        degradedPercent: z.number().min(1).max(99).default(50),
      })
      .strict()
      .prefault({}),
    dashboard: z
      .object({
        tiers: z
          .array(
            z
              .object({
                url: z.string().regex(/^https?:\/\/[^\s"'<>]+$/, 'a tier URL is http:// or https://, e.g. http://relay-1:8081'),
                kind: z.enum(['ingest', 'relay']),
              })
              .strict(),
          )
          .max(100)
          .default([]),
        scrapeTimeoutSeconds: z.number().min(0.5).max(30).default(3),
        // A Prometheus (or Thanos, VictoriaMetrics) that scrapes every tier: the dashboard then reads
        // every figure, alarm and chart from it with PromQL, and scrapes nothing itself.
        prometheusUrl: z.string().regex(/^https?:\/\/[^\s"'<>]+$/, 'a Prometheus URL is http:// or https://, e.g. http://prometheus:9090').optional(),
      })
      .strict()
      .prefault({}),
    storage: storageSchema.prefault({}),
    playback: playbackSchema.prefault({}),
    demo: z
      .object({
        enabled: z.boolean().default(true),
        classroomId: classroomId.default('demo-classroom'),
        width: z.number().int().min(160).max(3840).default(1280),
        height: z.number().int().min(120).max(2160).default(720),
        fps: z.number().int().min(1).max(60).default(30),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type Classroom = z.infer<typeof classroomSchema>;
export type IceServer = z.infer<typeof iceServerSchema>;
export type P2pConfig = Config['p2p'];
export type HandsConfig = Config['hands'];
export type AlarmsConfig = Config['alarms'];
export type DashboardConfig = Config['dashboard'];
export type StorageConfig = Config['storage'];
export type QaConfig = Config['qa'];
export type PlaybackConfig = Config['playback'];
export type S3StorageConfig = z.infer<typeof s3StorageSchema>;
