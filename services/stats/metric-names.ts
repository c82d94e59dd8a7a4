// Every Classcast metric's name, in one place: the registrations (services/stats/*-metrics.ts,
// services/hands/hands-metrics.ts) and the dashboard's readers (dashboard-figures.ts,
// dashboard-service.ts, lesson-viewers.ts, prometheus-history.ts, prometheus-reader.ts) use these
// constants, and test/unit/metric-names.test.ts checks that every name deploy/prometheus's alert
// rules and deploy/grafana's dashboard query is one of them, so a rename cannot leave a reader behind.

/** Every Classcast series starts with it: the dashboard's PromQL selects by it. */
export const metricPrefix = 'classcast_';

export const metricNames = {
  // ingest-metrics.ts
  ingestInputBitrateKbps: 'classcast_ingest_input_bitrate_kbps',
  ingestInputFps: 'classcast_ingest_input_fps',
  ingestKeyframeIntervalSeconds: 'classcast_ingest_keyframe_interval_seconds',
  ingestInputWidth: 'classcast_ingest_input_width',
  ingestInputHeight: 'classcast_ingest_input_height',
  transcoderSpeed: 'classcast_transcoder_speed',
  lessonPicturesCpuSeconds: 'classcast_lesson_pictures_cpu_seconds',
  ingestRenditionsShed: 'classcast_ingest_renditions_shed',
  transcoderDroppedFramesTotal: 'classcast_transcoder_dropped_frames_total',
  transcoderDuplicatedFramesTotal: 'classcast_transcoder_duplicated_frames_total',
  ingestLiveLessons: 'classcast_ingest_live_lessons',
  rtmpRefusalsTotal: 'classcast_rtmp_refusals_total',
  ingestReconnectsTotal: 'classcast_ingest_reconnects_total',
  packagerSegmentsTotal: 'classcast_packager_segments_total',
  packagerLagSeconds: 'classcast_packager_lag_seconds',
  packagerSegmentDurationSeconds: 'classcast_packager_segment_duration_seconds',
  // relay-metrics.ts
  relayRequestsTotal: 'classcast_relay_requests_total',
  relayCacheHitsTotal: 'classcast_relay_cache_hits_total',
  relayCacheMissesTotal: 'classcast_relay_cache_misses_total',
  relayJoinedFlightsTotal: 'classcast_relay_joined_flights_total',
  relayBytesToViewersTotal: 'classcast_relay_bytes_to_viewers_total',
  relayBytesFromUpstreamTotal: 'classcast_relay_bytes_from_upstream_total',
  relayUpstreamRequestsTotal: 'classcast_relay_upstream_requests_total',
  relayUpstreamFailuresTotal: 'classcast_relay_upstream_failures_total',
  relayUpstreamNotFoundTotal: 'classcast_relay_upstream_not_found_total',
  relayRejectedObjectsTotal: 'classcast_relay_rejected_objects_total',
  relayOversizedObjectsTotal: 'classcast_relay_oversized_objects_total',
  relayPrefetchedTotal: 'classcast_relay_prefetched_total',
  relayRefusedPlaybackTotal: 'classcast_relay_refused_playback_total',
  relayUpstreamUp: 'classcast_relay_upstream_up',
  relayCacheBytes: 'classcast_relay_cache_bytes',
  relayDiskCacheObjects: 'classcast_relay_disk_cache_objects',
  // origin-metrics.ts
  originBytesSentTotal: 'classcast_origin_bytes_sent_total',
  // alarm-metrics.ts
  alarmsActive: 'classcast_alarms_active',
  lessonWithoutEncoder: 'classcast_lesson_without_encoder',
  // qoe-metrics.ts
  viewers: 'classcast_viewers',
  viewerFluency: 'classcast_viewer_fluency',
  viewerBitrateKbps: 'classcast_viewer_bitrate_kbps',
  viewerStartupSeconds: 'classcast_viewer_startup_seconds',
  viewerPlayingSecondsTotal: 'classcast_viewer_playing_seconds_total',
  viewerStalledSecondsTotal: 'classcast_viewer_stalled_seconds_total',
  viewerStallsTotal: 'classcast_viewer_stalls_total',
  viewerErrorsTotal: 'classcast_viewer_errors_total',
  viewerBytesTotal: 'classcast_viewer_bytes_total',
  viewerP2pBytesUpTotal: 'classcast_viewer_p2p_bytes_up_total',
  viewingSessionsFinishedTotal: 'classcast_viewing_sessions_finished_total',
  qoeReportsTotal: 'classcast_qoe_reports_total',
  // qa-metrics.ts
  qaPostsTotal: 'classcast_qa_posts_total',
  qaVotesTotal: 'classcast_qa_votes_total',
  qaModerationActionsTotal: 'classcast_qa_moderation_actions_total',
  qaRefusedTotal: 'classcast_qa_refused_total',
  qaFeedBuildsTotal: 'classcast_qa_feed_builds_total',
  // tracker-metrics.ts
  trackerSwarms: 'classcast_tracker_swarms',
  trackerPeers: 'classcast_tracker_peers',
  trackerConnections: 'classcast_tracker_connections',
  trackerAnnouncesTotal: 'classcast_tracker_announces_total',
  trackerRefusedAnnouncesTotal: 'classcast_tracker_refused_announces_total',
  trackerLimitedAnnouncesTotal: 'classcast_tracker_limited_announces_total',
  trackerRefusedConnectionsTotal: 'classcast_tracker_refused_connections_total',
  // hands-metrics.ts
  callsActive: 'classcast_calls_active',
  handsWaiting: 'classcast_hands_waiting',
  handsConnections: 'classcast_hands_connections',
  handsRaisedTotal: 'classcast_hands_raised_total',
  handsAcceptedTotal: 'classcast_hands_accepted_total',
  callsEndedTotal: 'classcast_calls_ended_total',
  handsRefusedConnectionsTotal: 'classcast_hands_refused_connections_total',
  handsRefusedMessagesTotal: 'classcast_hands_refused_messages_total',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** The series a histogram adds to its name (prom-client's, as Prometheus stores them). */
export const histogramSeries = (name: MetricName) => [`${name}_bucket`, `${name}_sum`, `${name}_count`] as const;

/** The relay's series all start with it (the dashboard finds the relays it reads by it). */
export const relayMetricPrefix = `${metricPrefix}relay_`;
