// The ICE servers a call's browser is handed (RTCPeerConnection's iceServers): those configured in
// hands.iceServers, where a turn: entry without credentials gets coturn's "TURN REST API" ones made
// from hands.turnSecret (coturn's static-auth-secret with use-auth-secret): the username is
// "<expiry in Unix seconds>:<account id>" and the credential its base64 HMAC-SHA1 under the secret,
// so coturn checks them without asking us, and they stop working at the expiry. Pure.
import { createHmac } from 'node:crypto';
import type { IceServer } from '../core/config/schema.ts';

export function iceServersFor(configured: readonly IceServer[], turnSecret: string | undefined, accountId: number, nowSeconds: number, ttlSeconds: number): IceServer[] {
  return configured.map((server) => {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    const isTurn = urls.some((url) => /^turns?:/.test(url));
    if (!isTurn || server.username !== undefined || server.credential !== undefined || turnSecret === undefined) return server;
    return { urls: server.urls, ...turnRestCredentials(turnSecret, accountId, nowSeconds + ttlSeconds) };
  });
}

export function turnRestCredentials(secret: string, accountId: number, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${Math.floor(expiresAtSeconds)}:${accountId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
