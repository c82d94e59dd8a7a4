// The pure parts of routing viewers to their own city: address ranges (canonical form, the most
// specific match, IPv4 clients on an IPv6 socket, IPv6), the relay order with the city's tracker on
// the province's relays, and the redundant master playlist (every variant once per relay).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalCidr, cityOfAddress, parseRanges } from '../../services/catalog/routing/address-ranges.ts';
import { routeRelays } from '../../services/catalog/routing/route-relays.ts';
import { redundantMaster } from '../../services/web/redundant-master.ts';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';

test('address ranges: canonical form, refusals, the most specific range wins', () => {
  assert.deepEqual(canonicalCidr(' 10.12.7.9/16 '), { cidr: '10.12.0.0/16' });
  assert.deepEqual(canonicalCidr('2001:db8:12:ff::1/48'), { cidr: '2001:db8:12::/48' });
  assert.deepEqual(canonicalCidr('192.0.2.7'), { cidr: '192.0.2.7/32' });
  for (const bad of ['10.0.0.0/33', 'example.edu', '10.0.0/8', '']) assert.match((canonicalCidr(bad) as { error: string }).error, /is not an address range/, bad);
  const ranges = parseRanges([
    { cityId: 1, cidr: '10.12.0.0/16' },
    { cityId: 2, cidr: '10.12.5.0/24' },
    { cityId: 3, cidr: '2001:db8:12::/48' },
  ]);
  assert.equal(cityOfAddress(ranges, '10.12.9.1'), 1);
  assert.equal(cityOfAddress(ranges, '10.12.5.77'), 2);
  assert.equal(cityOfAddress(ranges, '::ffff:10.12.5.77'), 2, 'an IPv4 client on an IPv6 socket');
  assert.equal(cityOfAddress(ranges, '2001:db8:12:1::9'), 3);
  assert.equal(cityOfAddress(ranges, '10.13.0.1'), undefined);
  assert.equal(cityOfAddress(ranges, undefined), undefined);
  assert.equal(cityOfAddress(ranges, 'not an address'), undefined);
});

test("the city's relays first, then the province's announcing to the city's tracker", () => {
  const trackerOf = (media: string) => `${media.replace(/^http/, 'ws')}/tracker`;
  const province = [{ media: 'http://origin:8080', tracker: 'ws://origin:8080/tracker' }, { media: 'http://relay-a1:8081', tracker: 'ws://relay-a1:8081/tracker' }];
  const city = [{ mediaUrl: 'http://relay-a1:8081/', trackerUrl: null }, { mediaUrl: 'http://relay-a2:8081', trackerUrl: 'ws://tracker-a:9000/tracker' }];
  assert.deepEqual(routeRelays({ city, province, p2p: true, trackerOf }), [
    { media: 'http://relay-a1:8081', tracker: 'ws://relay-a1:8081/tracker' },
    { media: 'http://relay-a2:8081', tracker: 'ws://tracker-a:9000/tracker' },
    { media: 'http://origin:8080', tracker: 'ws://relay-a1:8081/tracker' },
  ]);
  assert.deepEqual(routeRelays({ city, province, p2p: false, trackerOf }).map((relay) => relay.tracker), ['', '', '']);
  assert.deepEqual(routeRelays({ city: [], province, p2p: true, trackerOf }), province);
});

test('the redundant master lists every variant once per relay, same attributes, absolute URIs', () => {
  const master = writeMasterPlaylist([
    { width: 1280, height: 720, fps: 30, bandwidth: 3e6, averageBandwidth: 2.6e6, codecs: 'avc1.64001f,mp4a.40.2', uri: '720p/index.m3u8' },
    { width: 640, height: 360, fps: 30, bandwidth: 8e5, averageBandwidth: 7e5, codecs: 'avc1.64001e,mp4a.40.2', uri: '360p/index.m3u8' },
  ]);
  const out = redundantMaster({ master, relays: ['http://a:1', 'https://b'], folder: '/vod/rec-1/', token: 'v1.x-y' });
  const lines = out.trim().split('\n');
  assert.deepEqual(lines.slice(0, 3), ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS']);
  assert.deepEqual(
    lines.filter((line) => !line.startsWith('#')),
    // The token in the path, so the variant playlists' relative segment URIs carry it too (path-token.ts).
    ['http://a:1/t/v1.x-y/vod/rec-1/720p/index.m3u8', 'http://a:1/t/v1.x-y/vod/rec-1/360p/index.m3u8', 'https://b/t/v1.x-y/vod/rec-1/720p/index.m3u8', 'https://b/t/v1.x-y/vod/rec-1/360p/index.m3u8'],
  );
  const infos = lines.filter((line) => line.startsWith('#EXT-X-STREAM-INF:'));
  assert.deepEqual(infos.slice(2), infos.slice(0, 2), "the second relay's variants repeat the first's attributes");
  assert.throws(() => redundantMaster({ master: '<html>', relays: ['http://a:1'], folder: '/live/x/' }), /not a master playlist/);
});
