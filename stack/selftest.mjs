// stack/selftest.mjs - checks run INSIDE the stack by stack/selftest.sh (do not run alone).
//
// Needs the VCB_* variables from with-stack.sh plus SELFTEST_CALLER_CTRL (ctrl_tcp of a
// temporary caller baresip that plays a 1 kHz tone) and SELFTEST_CALLER_RECORD_DIR.
// Checks:
//   (a) caller -> sip:2000 via Kamailio is answered; 2000 records the tone, caller hears greeting
//   (b) 2001 -> 486, 2999 -> 404 (seen by the caller baresip)
//   (c) Janus /janus/info, admin secret, guest register through the SIP plugin (HTTP API),
//       and SIP plugin calls (fake WebRTC offer) to 2001 -> 486, 2999 -> 404, 2000 -> accepted
//   (d) {"command":"hangup"} on 2000's ctrl_tcp ends the call; CALL_CLOSED is emitted there
// Prints every ctrl_tcp event it sees, so the event format is visible in the output.
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
const ok = (cond, what) => {
  console.log(`${cond ? 'PASS' : 'FAIL'} ${what}`);
  if (!cond) failures++;
  return cond;
};

// ---------------------------------------------------------------- baresip ctrl_tcp client
class Ctrl {
  constructor(name, hostport) {
    this.name = name;
    const [host, port] = hostport.split(':');
    this.host = host;
    this.port = Number(port);
    this.buf = Buffer.alloc(0);
    this.events = [];
    this.waiters = [];
    this.pending = new Map();
    this.seq = 0;
  }
  connect() {
    return new Promise((resolve, reject) => {
      this.sock = net.connect(this.port, this.host, resolve);
      this.sock.once('error', reject);
      this.sock.on('data', (d) => this.onData(d));
    });
  }
  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const colon = this.buf.indexOf(0x3a); // ':'
      if (colon < 0) return;
      const len = Number(this.buf.subarray(0, colon).toString());
      if (this.buf.length < colon + 1 + len + 1) return;
      const payload = this.buf.subarray(colon + 1, colon + 1 + len).toString();
      this.buf = this.buf.subarray(colon + 1 + len + 1); // skip trailing ','
      const msg = JSON.parse(payload);
      if (msg.event) {
        if (msg.type !== 'CALL_RTCP') console.log(`  [${this.name} event] ${payload}`);
        this.events.push(msg);
        this.waiters = this.waiters.filter((w) => !w(msg));
      } else if (msg.response && this.pending.has(msg.token)) {
        this.pending.get(msg.token)(msg);
        this.pending.delete(msg.token);
      }
    }
  }
  send(command, params) {
    const token = `t${++this.seq}`;
    const body = JSON.stringify(
      params === undefined ? { command, token } : { command, params, token },
    );
    this.sock.write(`${Buffer.byteLength(body)}:${body},`);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`${this.name}: no response to ${command}`)),
        3000,
      );
      this.pending.set(token, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  }
  // Wait for an event matching pred (also one already received since `since`).
  waitEvent(pred, ms, since = 0) {
    const old = this.events.slice(since).find(pred);
    if (old) return Promise.resolve(old);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        resolve(null);
      }, ms);
      this.waiters.push((m) => {
        if (pred(m)) {
          clearTimeout(t);
          resolve(m);
          return true;
        }
        return false;
      });
    });
  }
  close() {
    this.sock?.destroy();
  }
}

// ---------------------------------------------------------------- audio analysis (sox)
function rms(file) {
  const out = spawnSync('sox', [file, '-n', 'stat'], { encoding: 'utf8' }).stderr; // sox prints stat on stderr
  const num = (label) => Number((out.match(new RegExp(`${label}:\\s+([-0-9.e]+)`)) || [])[1]);
  return {
    rms: num('RMS\\s+amplitude'),
    freq: num('Rough\\s+frequency'),
    secs: num('Length \\(seconds\\)'),
  };
}
const decFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => /^dump-.*-dec\.wav$/.test(f))
    .map((f) => join(dir, f));

// ---------------------------------------------------------------- Janus HTTP API
const JH = env.VCB_JANUS_HTTP;
const tx = () => Math.random().toString(36).slice(2);
async function jpost(path, body) {
  const r = await fetch(`${JH}${path}`, {
    method: 'POST',
    body: JSON.stringify({ transaction: tx(), ...body }),
  });
  return r.json();
}
async function jevent(sid, pred, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await fetch(`${JH}/${sid}?maxev=1&rid=${Date.now()}`);
    const ev = await r.json();
    const list = Array.isArray(ev) ? ev : [ev];
    for (const e of list) {
      if (e.janus !== 'keepalive')
        console.log(`  [janus event] ${JSON.stringify(e.plugindata?.data ?? e)}`);
      if (pred(e)) return e;
    }
  }
  return null;
}
// Minimal but valid WebRTC audio offer (ICE/DTLS never complete; enough for the SIP leg).
function fakeOffer() {
  const fp = Array.from({ length: 32 }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0')
      .toUpperCase(),
  ).join(':');
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 0 8',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fp}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    '',
  ].join('\r\n');
}

async function janusChecks(callee) {
  const info = await (await fetch(`${JH}/info`)).json();
  ok(
    info.janus === 'server_info' && Object.keys(info.plugins).join() === 'janus.plugin.sip',
    `(c) /janus/info answers, plugins = ${Object.keys(info.plugins || {}).join(',')}, version ${info.version_string}`,
  );
  const admin = env.VCB_JANUS_ADMIN_HTTP || 'http://127.0.0.1:7088/admin';
  const good = await (
    await fetch(admin, {
      method: 'POST',
      body: JSON.stringify({
        janus: 'list_sessions',
        transaction: tx(),
        admin_secret: env.VCB_JANUS_ADMIN_SECRET,
      }),
    })
  ).json();
  const bad = await (
    await fetch(admin, {
      method: 'POST',
      body: JSON.stringify({
        janus: 'list_sessions',
        transaction: tx(),
        admin_secret: 'janusoverlord',
      }),
    })
  ).json();
  ok(
    good.janus === 'success' && bad.janus === 'error',
    '(c) admin API accepts VCB_JANUS_ADMIN_SECRET and rejects the default secret',
  );

  const sess = await jpost('', { janus: 'create' });
  const sid = sess.data?.id;
  const att = await jpost(`/${sid}`, { janus: 'attach', plugin: 'janus.plugin.sip' });
  const hid = att.data?.id;
  ok(sid && hid, `(c) session ${sid} created, janus.plugin.sip attached (handle ${hid})`);
  const t0 = Date.now();
  await jpost(`/${sid}/${hid}`, {
    janus: 'message',
    body: { request: 'register', type: 'guest', username: `sip:visitor@${env.VCB_SIP_DOMAIN}` },
  });
  const reg = await jevent(sid, (e) => e.plugindata?.data?.result?.event === 'registered', 5000);
  ok(reg, `(c) guest registered (${Date.now() - t0} ms)`);

  const call = async (ext) => {
    const t = Date.now();
    const r = await jpost(`/${sid}/${hid}`, {
      janus: 'message',
      body: { request: 'call', uri: `sip:${ext}@${env.VCB_SIP_DOMAIN}` },
      jsep: { type: 'offer', sdp: fakeOffer() },
    });
    if (r.janus !== 'ack') {
      console.log('  janus call reply', JSON.stringify(r));
      return { d: r, ms: Date.now() - t };
    }
    const ev = await jevent(
      sid,
      (e) => {
        const res = e.plugindata?.data?.result;
        return e.plugindata?.data?.error || res?.event === 'hangup' || res?.event === 'accepted';
      },
      8000,
    );
    const d = ev?.plugindata?.data;
    const ms = Date.now() - t;
    if (d?.result?.event === 'hangup') {
      // The PeerConnection of the failed call is torn down asynchronously; a new offer on
      // the same handle before the core "hangup" event fails with 490 "Agent already exists".
      const core = await jevent(sid, (e) => e.janus === 'hangup', 3000);
      console.log(`  core hangup event after ${Date.now() - t} ms: ${JSON.stringify(core)}`);
    }
    return { d, ms, ev };
  };
  let r = await call(env.VCB_EXT_BUSY, 486);
  ok(
    r.d?.result?.event === 'hangup' && r.d.result.code === 486,
    `(c) Janus guest call to ${env.VCB_EXT_BUSY}: hangup ${r.d?.result?.code} ${r.d?.result?.reason} (${r.ms} ms)`,
  );
  r = await call(env.VCB_EXT_UNKNOWN, 404);
  ok(
    r.d?.result?.event === 'hangup' && r.d.result.code === 404,
    `(c) Janus guest call to ${env.VCB_EXT_UNKNOWN}: hangup ${r.d?.result?.code} ${r.d?.result?.reason} (${r.ms} ms)`,
  );
  const cm = callee.events.length;
  r = await call(env.VCB_EXT_ANSWER, 200);
  ok(
    r.d?.result?.event === 'accepted' && /m=audio/.test(r.ev?.jsep?.sdp || ''),
    `(c) Janus guest call to ${env.VCB_EXT_ANSWER}: ${r.d?.result?.event} with answer SDP (${r.ms} ms)`,
  );
  if (r.d?.result?.event === 'accepted') {
    const cands = (r.ev.jsep.sdp.match(/a=candidate:.*/g) || []).join(' | ');
    console.log(`  Janus ICE candidates in answer: ${cands || '(none, trickled)'}`);
    await jpost(`/${sid}/${hid}`, { janus: 'message', body: { request: 'hangup' } });
    const h = await jevent(sid, (e) => e.plugindata?.data?.result?.event === 'hangup', 5000);
    ok(h, `(c) Janus hangup -> hangup ${h?.plugindata?.data?.result?.code}`);
    const est = await callee.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 2000, cm);
    const closed = await callee.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, cm);
    ok(
      est && closed,
      `(c) 2000 saw the Janus call established and its BYE (CALL_CLOSED: ${closed?.param})`,
    );
  }
  await jpost(`/${sid}`, { janus: 'destroy' });
}

// ---------------------------------------------------------------- main
async function main() {
  const callee = new Ctrl('2000', env.VCB_BARESIP_CTRL);
  const caller = new Ctrl('caller', env.SELFTEST_CALLER_CTRL);
  await callee.connect();
  await caller.connect();
  const domain = env.VCB_SIP_DOMAIN;

  // (b) busy and unknown, seen by a plain SIP caller
  for (const [ext, code] of [
    [env.VCB_EXT_BUSY, 486],
    [env.VCB_EXT_UNKNOWN, 404],
  ]) {
    const mark = caller.events.length;
    const resp = await caller.send('dial', `sip:${ext}@${domain}`);
    console.log(`  [caller response] ${JSON.stringify(resp)}`);
    const ev = await caller.waitEvent((m) => m.type === 'CALL_CLOSED', 5000, mark);
    ok(
      ev && String(ev.param).includes(String(code)),
      `(b) ${ext} -> ${ev ? ev.param : 'no CALL_CLOSED'}`,
    );
  }

  // (a) call 2000, tone one way, greeting the other
  const cm = callee.events.length;
  const km = caller.events.length;
  const t0 = Date.now();
  await caller.send('dial', `sip:${env.VCB_EXT_ANSWER}@${domain}`);
  const est = await caller.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 5000, km);
  ok(
    est,
    `(a) call to ${env.VCB_EXT_ANSWER} established at the caller after ${Date.now() - t0} ms`,
  );
  // answermode=auto: baresip 1.0.0 answers at once and emits no CALL_INCOMING event.
  const cest = await callee.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 1000, cm);
  ok(cest, '(a) 2000 emitted CALL_ESTABLISHED');
  await sleep(4000);

  // (d) hang up from 2000's side through ctrl_tcp
  const cm2 = callee.events.length;
  const km2 = caller.events.length;
  const hresp = await callee.send('hangup');
  console.log(`  [2000 response] ${JSON.stringify(hresp)}`);
  const closed = await callee.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, cm2);
  ok(closed, '(d) 2000 emitted CALL_CLOSED after {"command":"hangup"}');
  const kclosed = await caller.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, km2);
  ok(kclosed, `(d) the caller got the BYE through Kamailio (CALL_CLOSED: ${kclosed?.param})`);
  await sleep(300);

  // recordings
  const cdec = decFiles(env.VCB_RECORD_DIR);
  const kdec = decFiles(env.SELFTEST_CALLER_RECORD_DIR);
  ok(
    cdec.length === 1 && kdec.length >= 1,
    `(a) recordings: 2000 ${cdec.length} dec file(s), caller ${kdec.length}`,
  );
  if (cdec.length) {
    const s = rms(cdec[0]);
    ok(
      s.rms > 0.05 && Math.abs(s.freq - 1000) < 100,
      `(a) 2000 recorded the caller's tone: ${s.secs}s rms ${s.rms} ~${s.freq} Hz`,
    );
  }
  if (kdec.length) {
    const s = rms(kdec[kdec.length - 1]);
    ok(s.rms > 0.02, `(a) the caller heard the greeting: ${s.secs}s rms ${s.rms}`);
  }

  await janusChecks(callee);
  callee.close();
  caller.close();
}

main().then(
  () => {
    console.log(failures ? `${failures} check(s) FAILED` : 'all checks passed');
    process.exit(failures ? 1 : 0);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
