/** Unit tests of `voip-call-button/server` (Node): the token format Janus checks, the handler. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createJanusToken, janusTokenHandler } from '../../src/server/index.js';

describe('createJanusToken', () => {
  it('signs "EXPIRY,janus,PLUGINS" with HMAC-SHA1 of the secret, as Janus checks it', () => {
    const { token, expiresAt } = createJanusToken({
      secret: 'janus-secret',
      ttlSeconds: 60,
      now: () => 1_700_000_000_500,
    });
    const data = '1700000060,janus,janus.plugin.sip';
    const signature = createHmac('sha1', 'janus-secret').update(data).digest('base64');
    assert.equal(token, `${data}:${signature}`);
    assert.equal(expiresAt, 1_700_000_060_000);
  });

  it('lists every plugin asked for', () => {
    const { token } = createJanusToken({
      secret: 's',
      plugins: ['janus.plugin.sip', 'janus.plugin.echotest'],
    });
    assert.match(token, /^\d+,janus,janus\.plugin\.sip,janus\.plugin\.echotest:[A-Za-z0-9+/=]+$/);
  });

  it('refuses no secret, a non-positive lifetime and odd plugin names', () => {
    assert.throws(() => createJanusToken({ secret: '' }));
    assert.throws(() => createJanusToken({ secret: 's', ttlSeconds: 0 }));
    assert.throws(() => createJanusToken({ secret: 's', plugins: ['janus.plugin.sip:x'] }));
    assert.throws(() => createJanusToken({ secret: 's', plugins: [] }));
  });
});

describe('janusTokenHandler', () => {
  let server: Server;
  let url: string;
  before(async () => {
    const handler = janusTokenHandler({
      secret: 's',
      ttlSeconds: 120,
      allow: (req) => req.headers['x-visitor'] !== 'blocked',
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers GET with a fresh token as uncached JSON', async () => {
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { token: string; expiresAt: number };
    assert.match(body.token, /^\d+,janus,janus\.plugin\.sip:/);
    assert.ok(Math.abs(body.expiresAt - (Date.now() + 120_000)) < 2000);
  });

  it('answers 403 when allow() refuses, and 405 for other methods', async () => {
    assert.equal((await fetch(url, { headers: { 'x-visitor': 'blocked' } })).status, 403);
    assert.equal((await fetch(url, { method: 'PUT' })).status, 405);
    assert.equal((await fetch(url, { method: 'POST' })).status, 200);
  });
});
