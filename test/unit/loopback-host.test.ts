// Which RTMP addresses only work on the server's own machine: the ingest warns at start and the
// school page warns beside them (services/core/loopback-host.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackUrl } from '../../services/core/loopback-host.ts';

test('loopback names and addresses are loopback; network names and addresses are not', () => {
  for (const url of ['rtmp://127.0.0.1:1935/live', 'rtmp://localhost/live', 'rtmp://LOCALHOST.:1935/live', 'rtmp://[::1]:1935/live', 'rtmp://127.4.5.6/live', 'rtmps://studio.localhost/live']) {
    assert.equal(isLoopbackUrl(url), true, url);
  }
  for (const url of ['rtmp://10.0.0.7:1935/live', 'rtmp://ingest-1.example.edu:1935/live', 'rtmp://127.example.edu/live', 'rtmp://[::2]/live', 'rtmp://0.0.0.0/live', 'not a url']) {
    assert.equal(isLoopbackUrl(url), false, url);
  }
});
