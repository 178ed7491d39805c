/**
 * Unit tests of the "Request a callback" rules (src/callback/request.ts, shared by the form and
 * the server), of `verifyJanusToken`, and of `callbackHandler` on a real http server (Node).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import {
  checkCallbackRequest,
  NAME_MAX_LENGTH,
  NOTE_MAX_LENGTH,
  parseCallbackPhone,
  type CallbackField,
  type CallbackRequest,
} from '../../src/callback/request.js';
import {
  callbackHandler,
  createJanusToken,
  verifyJanusToken,
  type CallbackHandlerOptions,
} from '../../src/server/index.js';

const MINIMAL = { id: 'req_0001-abc', phone: '+6281234567890' };
const FULL = {
  id: 'Zx9_-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', // 64 chars
  phone: '081234567890',
  name: 'Siti Rahma',
  preferredTime: '2026-12-07T08:00:00.000Z/2026-12-07T17:00:00+07:00',
  note: 'Tentang pesanan 42.\nSetelah jam 3 sore 🙏',
  language: 'id-ID',
};

function refused(body: unknown): CallbackField | null {
  const result = checkCallbackRequest(body);
  return result.ok ? null : result.field;
}

describe('parseCallbackPhone', () => {
  it('gives the canonical number for what a visitor typed, and is stable on it', () => {
    assert.equal(parseCallbackPhone('+62 812-3456-7890'), '+6281234567890');
    assert.equal(parseCallbackPhone('+62 (21) 555.0100'), '+62215550100');
    assert.equal(parseCallbackPhone('0812 3456 789'), '08123456789');
    assert.equal(parseCallbackPhone('1234'), '1234');
    assert.equal(parseCallbackPhone('+6281234567890'), '+6281234567890');
  });

  it('refuses feature codes, short numbers, letters, other scripts and other junk', () => {
    for (const input of [
      '*123',
      '12#',
      '123',
      '+123',
      '0812 CALL ME',
      '０８１２３４５６７８９', // full-width digits
      '٠٨١٢٣٤٥٦٧٨', // Arabic-Indic digits
      '',
      '   ',
      '+',
      '(0812) 3456789', // parentheses only in + numbers, as in the dial grammar
      '+1234567890123456', // 16 digits: longer than E.164
      '0812\t3456789',
    ]) {
      assert.equal(parseCallbackPhone(input), null, input);
    }
  });
});

describe('checkCallbackRequest', () => {
  it('accepts a minimal and a full body, and returns only the known fields', () => {
    assert.deepEqual(checkCallbackRequest({ ...MINIMAL }), { ok: true, request: MINIMAL });
    assert.deepEqual(checkCallbackRequest(JSON.parse(JSON.stringify(FULL))), {
      ok: true,
      request: FULL,
    });
  });

  it('refuses a body that is not an object, or has an unknown key, as "body"', () => {
    for (const body of [null, undefined, 'x', 42, true, [], [MINIMAL]]) {
      assert.equal(refused(body), 'body', JSON.stringify(body));
    }
    assert.equal(refused({ ...MINIMAL, email: 'a@b.c' }), 'body');
    assert.equal(
      refused(JSON.parse(`{"id":"${MINIMAL.id}","phone":"1234","__proto__":{}}`)),
      'body',
    );
  });

  it('names the id when it is missing or not 8-64 of [A-Za-z0-9_-]', () => {
    for (const id of [
      undefined,
      12345678,
      '',
      'abc1234',
      'a'.repeat(65),
      'abc def12',
      'abcdefgé',
    ]) {
      assert.equal(refused({ ...MINIMAL, id }), 'id', String(id));
    }
    assert.equal(refused({ ...MINIMAL, id: 'abcd1234' }), null);
    assert.equal(refused({ ...MINIMAL, id: 'a'.repeat(64) }), null);
  });

  it('names the phone when it is missing, not a callback number or not canonical', () => {
    for (const phone of [undefined, null, 6281234567890, '', '*123', '123', '+62 812-3456-7890']) {
      assert.equal(refused({ ...MINIMAL, phone }), 'phone', String(phone));
    }
  });

  it('names the name when empty, too long, not text or with control characters; trims it', () => {
    for (const name of ['', '   ', null, 42, 'a'.repeat(NAME_MAX_LENGTH + 1), 'A\nB', 'A\u0000']) {
      assert.equal(refused({ ...MINIMAL, name }), 'name', JSON.stringify(name));
    }
    assert.equal(refused({ ...MINIMAL, name: 'evil\u202Egnp.exe' }), 'name'); // bidi override
    assert.equal(refused({ ...MINIMAL, name: 'a\uD800' }), 'name'); // lone surrogate
    const result = checkCallbackRequest({ ...MINIMAL, name: `  ${'é'.repeat(NAME_MAX_LENGTH)} ` });
    assert.deepEqual(result, { ok: true, request: { ...MINIMAL, name: 'é'.repeat(100) } });
  });

  it('counts the note in code points: 500 accepted, 501 refused, an emoji counts once', () => {
    assert.equal(NOTE_MAX_LENGTH, 500);
    assert.equal(refused({ ...MINIMAL, note: 'x'.repeat(500) }), null);
    assert.equal(refused({ ...MINIMAL, note: 'x'.repeat(501) }), 'note');
    // 500 emoji are 1000 UTF-16 code units: still 500 characters for the visitor.
    assert.equal(refused({ ...MINIMAL, note: '😀'.repeat(500) }), null);
    assert.equal(refused({ ...MINIMAL, note: '😀'.repeat(501) }), 'note');
    assert.equal(refused({ ...MINIMAL, note: `${'x'.repeat(499)}😀` }), null);
  });

  it('allows \\n in the note and no other control character; refuses an empty note', () => {
    assert.equal(refused({ ...MINIMAL, note: 'line 1\nline 2' }), null);
    for (const note of ['a\r\nb', 'a\tb', 'a\u0007', 'a\u0085', '', ' \n ', null, ['x']]) {
      assert.equal(refused({ ...MINIMAL, note }), 'note', JSON.stringify(note));
    }
  });

  it('accepts ISO 8601 instants with an offset and increasing intervals as preferredTime', () => {
    for (const preferredTime of [
      '2026-12-07T08:00:00.000Z',
      '2026-12-07T15:00+07:00',
      '2026-12-07T08:00:30-03:30',
      '2028-02-29T08:00Z',
      '2026-12-07T08:00:00Z/2026-12-07T08:00:01Z',
      '2026-12-07T08:00:00.000+07:00/2026-12-07T17:00:00.000+07:00', // 59 chars
    ]) {
      assert.equal(refused({ ...MINIMAL, preferredTime }), null, preferredTime);
    }
  });

  it('names preferredTime when it is not such an instant or interval', () => {
    for (const preferredTime of [
      '',
      null,
      1765094400000,
      '2026-12-07T08:00:00', // no offset: a different instant for the visitor and the site
      '2026-12-07 08:00Z',
      '2026-12-07t08:00z',
      '2026-02-29T08:00Z', // 2026 is not a leap year
      '2026-04-31T08:00Z',
      '2026-13-01T08:00Z',
      '2026-12-07T24:00Z',
      '2026-12-07T08:60Z',
      '2026-12-07T08:00+24:00',
      'tomorrow morning',
      '2026-12-07T08:00Z/2026-12-07T08:00Z', // empty interval
      '2026-12-07T09:00Z/2026-12-07T08:00Z',
      // The end is 07:00Z: before the start once the offset is applied.
      '2026-12-07T08:00Z/2026-12-07T14:00+07:00',
      '2026-12-07T08:00Z/',
      '2026-12-07T08:00Z/2026-12-07T09:00Z/2026-12-07T10:00Z',
      // Both valid and increasing, but 65 characters.
      '2026-12-07T08:00:00.000+07:00/2026-12-07T17:00:00.000+07:00     ',
    ]) {
      assert.equal(refused({ ...MINIMAL, preferredTime }), 'preferredTime', String(preferredTime));
    }
  });

  it('accepts BCP 47-ish language tags up to 35 characters and names the others', () => {
    const longest = `en${'-abcdefgh'.repeat(3)}-abcde`; // 35
    for (const language of ['en', 'pt-BR', 'zh-Hant-TW', longest]) {
      assert.equal(refused({ ...MINIMAL, language }), null, language);
    }
    for (const language of ['', 'e', 'en_US', '12', 'en-', 'abcdefghi', `${longest}f`]) {
      assert.equal(refused({ ...MINIMAL, language }), 'language', language);
    }
  });

  it('treats undefined as absent (JSON cannot carry it) and names the first bad field', () => {
    assert.deepEqual(checkCallbackRequest({ ...MINIMAL, name: undefined, note: undefined }), {
      ok: true,
      request: MINIMAL,
    });
    assert.equal(refused({ id: 'x', phone: '1', note: '' }), 'id');
  });
});

describe('verifyJanusToken', () => {
  const at = 1_700_000_000_000;
  const { token, expiresAt } = createJanusToken({
    secret: 's3cret',
    ttlSeconds: 60,
    now: () => at,
  });

  it('accepts a token minted with the secret until it expires', () => {
    assert.equal(verifyJanusToken(token, 's3cret', at), true);
    assert.equal(verifyJanusToken(token, 's3cret', expiresAt - 1), true);
    assert.equal(verifyJanusToken(token, 's3cret', expiresAt), false);
    const multi = createJanusToken({
      secret: 's3cret',
      plugins: ['janus.plugin.sip', 'janus.plugin.echotest'],
      now: () => at,
    });
    assert.equal(verifyJanusToken(multi.token, 's3cret', at), true);
  });

  it('refuses another secret, a tampered signature or expiry, and junk', () => {
    const [data = '', signature = ''] = token.split(':');
    const later = data.replace(/^\d+/, (expiry) => String(Number(expiry) + 3600));
    const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
    for (const candidate of [
      `${data}:${flipped}`,
      `${later}:${signature}`,
      `${data.replace('sip', 'echotest')}:${signature}`,
      `${data}:${signature}x`,
      `${data}:`,
      data,
      '',
      `:${signature}`,
      `x${token}`,
    ]) {
      assert.equal(verifyJanusToken(candidate, 's3cret', at), false, candidate);
    }
    assert.equal(verifyJanusToken(token, 'other', at), false);
    assert.equal(verifyJanusToken(token, '', at), false);
    // A token signed with an empty key is forgeable by anyone: never valid.
    const unkeyed = `${data}:${createHmac('sha1', '').update(data).digest('base64')}`;
    assert.equal(verifyJanusToken(unkeyed, '', at), false);
  });
});

interface Served {
  readonly url: string;
  readonly calls: { request: CallbackRequest; key: string; message: IncomingMessage }[];
}

/** A real server on 127.0.0.1 with a handler that records every request handed over. */
async function serve(
  t: TestContext,
  options: Partial<CallbackHandlerOptions> = {},
  onRequest?: (request: CallbackRequest) => void | Promise<void>,
): Promise<Served> {
  const calls: Served['calls'] = [];
  const handler = callbackHandler({
    clientKey: (req) => String(req.headers['x-client'] ?? 'anyone'),
    ...options,
    onRequest: (request, client) => {
      calls.push({ request, key: client.key, message: client.request });
      return onRequest?.(request);
    },
  });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    // A test that failed may leave a request open (a body never finished): do not wait for it.
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, calls };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectAnswer(response: Response, status: number, body: unknown): Promise<void> {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await response.json(), body);
}

const INVALID = (field: CallbackField) => ({ error: 'invalid', field });

describe('callbackHandler', () => {
  it('hands a valid request to onRequest as sent, with the client, and answers 200', async (t) => {
    const served = await serve(t);
    await expectAnswer(await post(served.url, FULL, { 'x-client': 'c1' }), 200, {
      ok: true,
      id: FULL.id,
    });
    assert.equal(served.calls.length, 1);
    assert.deepEqual(served.calls[0]!.request, FULL);
    assert.equal(served.calls[0]!.key, 'c1');
    assert.equal(served.calls[0]!.message.headers['x-client'], 'c1');
  });

  it('answers 405 (Allow: POST) to other methods', async (t) => {
    const served = await serve(t);
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await fetch(served.url, { method });
      assert.equal(response.headers.get('allow'), 'POST');
      await expectAnswer(response, 405, { error: 'method' });
    }
    assert.equal(served.calls.length, 0);
  });

  it('answers 415 unless the body is declared as UTF-8 JSON', async (t) => {
    const served = await serve(t);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json5']) {
      await expectAnswer(await post(served.url, MINIMAL, { 'content-type': type }), 415, {
        error: 'content-type',
      });
    }
    const latin1 = await post(served.url, MINIMAL, {
      'content-type': 'application/json; charset=iso-8859-1',
    });
    await expectAnswer(latin1, 415, { error: 'content-type' });
    const utf8 = await post(served.url, MINIMAL, {
      'content-type': 'Application/JSON; charset="UTF-8"',
    });
    await expectAnswer(utf8, 200, { ok: true, id: MINIMAL.id });
  });

  it(
    'answers 413 beyond maxBodyBytes, declared or chunked, and accepts exactly the limit',
    { timeout: 5000 },
    async (t) => {
      const served = await serve(t, { maxBodyBytes: 200 });
      const exact = JSON.stringify(MINIMAL).padEnd(200, ' ');
      await expectAnswer(await post(served.url, exact), 200, { ok: true, id: MINIMAL.id });
      await expectAnswer(await post(served.url, `${exact} `), 413, { error: 'too-large' });
      // No content-length: counted as it comes, and refused without waiting for the end.
      const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(served.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.write(' '.repeat(150));
        setTimeout(() => req.write(' '.repeat(150)), 20); // and never end()
      });
      assert.deepEqual(chunked, { status: 413, body: '{"error":"too-large"}' });
      assert.equal(served.calls.length, 1);
    },
  );

  it(
    'answers 413 to a declared length over the limit before the body arrives',
    { timeout: 5000 },
    async (t) => {
      const served = await serve(t, { maxBodyBytes: 200 });
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(served.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': '100000' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write('{"id":'); // the rest never comes: only the declared length can tell
      });
      assert.equal(status, 413);
    },
  );

  it('answers 400 "body" to what is not a JSON object with known keys only', async (t) => {
    const served = await serve(t);
    for (const text of ['{', '', 'null', '[]', '"x"', JSON.stringify({ ...MINIMAL, extra: 1 })]) {
      await expectAnswer(await post(served.url, text), 400, INVALID('body'));
    }
    const notUtf8 = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([
        Buffer.from('{"id":"abcd1234","phone":"1234","name":"'),
        Buffer.from([0xff]),
        Buffer.from('"}'),
      ]),
    });
    await expectAnswer(notUtf8, 400, INVALID('body'));
    assert.equal(served.calls.length, 0);
  });

  it('answers 400 naming the field checkCallbackRequest refused', async (t) => {
    const served = await serve(t);
    const cases: [Record<string, unknown>, CallbackField][] = [
      [{ ...MINIMAL, id: 'short' }, 'id'],
      [{ ...MINIMAL, phone: '+62 812-3456-7890' }, 'phone'],
      [{ ...MINIMAL, name: '' }, 'name'],
      [{ ...MINIMAL, preferredTime: '2026-12-07T08:00' }, 'preferredTime'],
      [{ ...MINIMAL, note: 'x'.repeat(501) }, 'note'],
      [{ ...MINIMAL, language: 'en_US' }, 'language'],
    ];
    for (const [body, field] of cases) {
      await expectAnswer(await post(served.url, body), 400, INVALID(field));
    }
    assert.equal(served.calls.length, 0);
  });

  it('with tokenSecret, answers 401 without a valid, unexpired token', async (t) => {
    let clock = 1_700_000_000_000;
    const served = await serve(t, { tokenSecret: 'janus-secret', now: () => clock });
    const { token, expiresAt } = createJanusToken({
      secret: 'janus-secret',
      ttlSeconds: 60,
      now: () => clock,
    });
    const unauthorized = { error: 'unauthorized' };
    const body = (n: number) => ({ ...MINIMAL, id: `token-test-${n}` });

    const none = await post(served.url, body(1));
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    await expectAnswer(none, 401, unauthorized);
    const foreign = createJanusToken({ secret: 'other', now: () => clock }).token;
    const [data = '', signature = ''] = token.split(':');
    const tampered = `${data}:${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    for (const authorization of [`Bearer ${tampered}`, `Bearer ${foreign}`, token, 'Bearer ']) {
      await expectAnswer(await post(served.url, body(2), { authorization }), 401, unauthorized);
    }
    assert.equal(served.calls.length, 0);

    await expectAnswer(await post(served.url, body(3), { authorization: `Bearer ${token}` }), 200, {
      ok: true,
      id: 'token-test-3',
    });
    clock = expiresAt;
    await expectAnswer(
      await post(served.url, body(4), { authorization: `bearer ${token}` }),
      401,
      unauthorized,
    );
    assert.deepEqual(
      served.calls.map((c) => c.request.id),
      ['token-test-3'],
    );
  });

  it('refuses to start with an empty tokenSecret (an unset variable) or a bad limit', () => {
    const onRequest = () => undefined;
    assert.throws(() => callbackHandler({ onRequest, tokenSecret: '' }));
    assert.throws(() => callbackHandler({ onRequest, tokenSecret: undefined }));
    assert.throws(() => callbackHandler({ onRequest, rateLimit: { max: 0, windowMs: 1000 } }));
    assert.throws(() => callbackHandler({ onRequest, maxBodyBytes: 0 }));
  });

  it('answers 429 with Retry-After once a client has sent max requests in a window', async (t) => {
    let clock = 1_700_000_000_000;
    const served = await serve(t, { rateLimit: { max: 2, windowMs: 60_000 }, now: () => clock });
    const send = (n: number, client = 'a') =>
      post(served.url, { ...MINIMAL, id: `rate-limit-${n}` }, { 'x-client': client });

    assert.equal((await send(1)).status, 200);
    assert.equal((await send(2)).status, 200);
    const over = await send(3);
    assert.equal(over.headers.get('retry-after'), '60');
    await expectAnswer(over, 429, { error: 'rate-limited' });
    assert.equal((await send(4, 'b')).status, 200, 'another client has its own budget');
    clock += 30_500;
    assert.equal((await send(3)).headers.get('retry-after'), '30');
    clock += 29_500; // the window is over
    assert.equal((await send(3)).status, 200);
    assert.deepEqual(
      served.calls.map((c) => c.request.id),
      ['rate-limit-1', 'rate-limit-2', 'rate-limit-4', 'rate-limit-3'],
    );
  });

  it('answers a repeated id "duplicate" without onRequest and without spending budget', async (t) => {
    const served = await serve(t, { rateLimit: { max: 1, windowMs: 60_000 } });
    await expectAnswer(await post(served.url, MINIMAL), 200, { ok: true, id: MINIMAL.id });
    for (let i = 0; i < 3; i++) {
      await expectAnswer(await post(served.url, MINIMAL), 200, {
        ok: true,
        id: MINIMAL.id,
        duplicate: true,
      });
    }
    assert.equal(served.calls.length, 1);
    // The budget (1) went to the first request only: a new id is over it.
    assert.equal((await post(served.url, { ...MINIMAL, id: 'another-id' })).status, 429);
  });

  it('forgets an accepted id after 24 hours: it is handed over again', async (t) => {
    let clock = 1_700_000_000_000;
    const served = await serve(t, { now: () => clock });
    assert.equal((await post(served.url, MINIMAL)).status, 200);
    clock += 24 * 3600_000 - 1;
    assert.deepEqual(await (await post(served.url, MINIMAL)).json(), {
      ok: true,
      id: MINIMAL.id,
      duplicate: true,
    });
    clock += 1;
    await expectAnswer(await post(served.url, MINIMAL), 200, { ok: true, id: MINIMAL.id });
    assert.equal(served.calls.length, 2);
  });

  it(
    'calls onRequest once for two concurrent requests with the same id',
    { timeout: 5000 },
    async (t) => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const served = await serve(t, {}, () => gate);
      const first = post(served.url, MINIMAL);
      while (served.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
      const second = post(served.url, MINIMAL);
      await new Promise((r) => setTimeout(r, 50)); // the second is waiting for the first
      release();
      const bodies = await Promise.all([first, second].map(async (p) => (await p).json()));
      assert.deepEqual(bodies, [
        { ok: true, id: MINIMAL.id },
        { ok: true, id: MINIMAL.id, duplicate: true },
      ]);
      assert.equal(served.calls.length, 1);
    },
  );

  it('answers 500 when onRequest fails and hands the retry with the same id over again', async (t) => {
    let fail = true;
    const served = await serve(t, {}, () => {
      if (fail) throw new Error('mail server down');
    });
    await expectAnswer(await post(served.url, MINIMAL), 500, { error: 'failed' });
    fail = false;
    await expectAnswer(await post(served.url, MINIMAL), 200, { ok: true, id: MINIMAL.id });
    assert.equal(served.calls.length, 2);
    assert.deepEqual(served.calls[1]!.request, MINIMAL);
  });

  it(
    'answers a rejection 500 too, and so a concurrent request waiting on it',
    { timeout: 5000 },
    async (t) => {
      let reject!: (error: Error) => void;
      const served = await serve(t, {}, () => new Promise<void>((_, no) => (reject = no)));
      const first = post(served.url, MINIMAL);
      while (served.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
      const second = post(served.url, MINIMAL);
      await new Promise((r) => setTimeout(r, 50));
      reject(new Error('database down'));
      assert.deepEqual(
        (await Promise.all([first, second])).map((r) => r.status),
        [500, 500],
      );
      assert.equal(served.calls.length, 1);
    },
  );
});
