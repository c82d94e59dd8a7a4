-- What a classroom's encoder sends, measured on its own clock by the ingest node carrying it
-- (services/ingest/encoder-sent.ts): {"fps": 30, "videoKbps": 2480, "keyframeSeconds": 2,
-- "audio": {"codec": "aac", "sampleRate": 48000, "channels": 2}}, for the school page's live check
-- against the settings the lesson needs. Null while not connected or not measured yet.
alter table encoder_status add column sent jsonb null;
