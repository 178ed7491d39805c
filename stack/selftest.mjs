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
//   (e) 2002 "ringing": 180 without SDP at once (caller: CALL_RINGING, no CALL_PROGRESS / remote
//       SDP), answered after VCB_RINGING_SECONDS; 2002 records the tone, the caller hears it;
//       a CANCEL while it rings ends the call at Kamailio (2002 never sees the INVITE)
//   (f) 2003 "early media": 183 with SDP (caller: CALL_PROGRESS + CALL_REMOTE_SDP "answer"),
//       announcement heard by the caller, no answer within 5 s; caller hangs up -> CANCEL -> 487
//   (g) at 2000: RFC 4733 DTMF from the caller -> CALL_DTMF_START/END events; a silent span of
//       the caller's source is a silent window in 2000's dump-*-dec.wav; hold/resume re-INVITEs
//       -> CALL_REMOTE_SDP "offer" at 2000 and "vcb: re-INVITE ... sdp-direction=" in kamailio.log
//   (c') through Janus: SIP INFO DTMF (dtmf_info) -> CALL_DTMF_START at 2000; hold/unhold;
//       2002 -> ringing then accepted; 2003 -> progress with SDP, no accepted, hangup -> CANCEL
// Prints every ctrl_tcp event it sees, so the event format is visible in the output.
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
      Object.defineProperty(msg, 't', { value: Date.now() }); // arrival time, not printed
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
// RMS of a time window [start, start+dur) seconds of a WAV file.
function rmsWindow(file, start, dur) {
  const out = spawnSync('sox', [file, '-n', 'trim', String(start), String(dur), 'stat'], {
    encoding: 'utf8',
  }).stderr;
  return Number((out.match(/RMS\s+amplitude:\s+([-0-9.e]+)/) || [])[1]);
}
const newDec = (dir, before) => decFiles(dir).filter((f) => !before.includes(f));
const kamailioLog = () => readFileSync(join(env.VCB_LOG_DIR, 'kamailio.log'), 'utf8');
const decFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => /^dump-.*-dec\.wav$/.test(f))
    .map((f) => join(dir, f));

// ---------------------------------------------------------------- Janus HTTP API
const JH = env.VCB_JANUS_HTTP;
const tx = () => Math.random().toString(36).slice(2);
// Janus runs with token_auth: every request carries a token signed with the run's secret.
const TOKEN = (() => {
  const data = `${Math.floor(Date.now() / 1000) + 3600},janus,janus.plugin.sip`;
  const sig = createHmac('sha1', env.VCB_JANUS_TOKEN_SECRET).update(data).digest('base64');
  return `${data}:${sig}`;
})();
async function jpost(path, body) {
  const r = await fetch(`${JH}${path}`, {
    method: 'POST',
    body: JSON.stringify({ transaction: tx(), token: TOKEN, ...body }),
  });
  return r.json();
}
async function jevent(sid, pred, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await fetch(
      `${JH}/${sid}?maxev=1&rid=${Date.now()}&token=${encodeURIComponent(TOKEN)}`,
    );
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

// Collect the SIP plugin events of one call until `done` matches (or ms pass). `at` schedules
// requests at given ms after the call request (e.g. a hangup), without aborting the long poll.
async function janusTrace(sid, hid, ext, done, ms, at = []) {
  const t0 = Date.now();
  const trace = [];
  const r = await jpost(`/${sid}/${hid}`, {
    janus: 'message',
    body: { request: 'call', uri: `sip:${ext}@${env.VCB_SIP_DOMAIN}` },
    jsep: { type: 'offer', sdp: fakeOffer() },
  });
  if (r.janus !== 'ack') return { trace, reply: r };
  const timers = at.map(([when, body]) =>
    setTimeout(() => jpost(`/${sid}/${hid}`, { janus: 'message', body }), when),
  );
  await jevent(
    sid,
    (e) => {
      const d = e.plugindata?.data;
      if (!d) return false;
      trace.push({ ms: Date.now() - t0, ev: d.result?.event ?? 'error', d, jsep: e.jsep });
      return Boolean(d.error) || done(d.result?.event);
    },
    ms,
  );
  timers.forEach(clearTimeout);
  return { trace };
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
    // SIP INFO DTMF (application/dtmf-relay) from Janus -> 2000
    let m = callee.events.length;
    const info = await jpost(`/${sid}/${hid}`, {
      janus: 'message',
      body: { request: 'dtmf_info', digit: '7', duration: 160 },
    });
    const ds = await callee.waitEvent((e) => e.type === 'CALL_DTMF_START', 2000, m);
    const de = await callee.waitEvent((e) => e.type === 'CALL_DTMF_END', 2000, m);
    await sleep(200);
    const blog = readFileSync(join(env.VCB_LOG_DIR, 'baresip-2000.log'), 'utf8');
    const infoLine = (blog.match(/call: received DTMF: '7'.*/) || [])[0];
    const kInfo = (kamailioLog().match(/vcb: INFO call-id=.*/g) || []).pop();
    ok(
      info.janus === 'ack' && ds?.param === '7' && de && infoLine,
      `(c') SIP INFO DTMF via Janus dtmf_info -> 2000 CALL_DTMF_START param ${ds?.param}, CALL_DTMF_END after ${de && ds ? de.t - ds.t : '?'} ms; baresip log "${infoLine}"; kamailio "${kInfo}"`,
    );
    // hold / unhold from Janus -> re-INVITEs to 2000
    for (const [req, dir] of [
      [{ request: 'hold', direction: 'sendonly' }, 'sendonly'],
      [{ request: 'unhold' }, 'sendrecv'],
    ]) {
      m = callee.events.length;
      await jpost(`/${sid}/${hid}`, { janus: 'message', body: req });
      const jev = await jevent(
        sid,
        (e) =>
          ['holding', 'resuming', 'updatingcall'].includes(e.plugindata?.data?.result?.event) ||
          e.plugindata?.data?.error,
        3000,
      );
      const sdp = await callee.waitEvent(
        (e) => e.type === 'CALL_REMOTE_SDP' && e.param === 'offer',
        3000,
        m,
      );
      await sleep(100);
      const line = (kamailioLog().match(/vcb: re-INVITE call-id=.*/g) || []).pop() || '';
      ok(
        sdp && line.endsWith(`sdp-direction=${dir}`),
        `(c') Janus ${req.request} -> janus "${jev?.plugindata?.data?.result?.event ?? jev?.plugindata?.data?.error}", 2000 CALL_REMOTE_SDP offer, kamailio "${line}"`,
      );
    }
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
  // The previous call's PeerConnection must be gone before the next offer on this handle.
  await jevent(sid, (e) => e.janus === 'hangup', 3000);

  // 2002 through Janus: ringing (no jsep), then accepted after VCB_RINGING_SECONDS
  const ringMs = Number(env.VCB_RINGING_SECONDS) * 1000;
  let t = await janusTrace(
    sid,
    hid,
    env.VCB_EXT_RINGING,
    (ev) => ev === 'accepted' || ev === 'hangup',
    ringMs + 5000,
  );
  const ringing = t.trace.find((x) => x.ev === 'ringing');
  const acc = t.trace.find((x) => x.ev === 'accepted');
  console.log(
    `  Janus 2002 trace: ${t.trace.map((x) => `${x.ev}${x.d.result?.code ? ` ${x.d.result.code}` : ''}${x.jsep ? '+jsep' : ''}@${x.ms}ms`).join(', ')}`,
  );
  ok(
    ringing &&
      !ringing.jsep &&
      acc &&
      acc.jsep &&
      acc.ms >= ringMs - 50 &&
      t.trace.filter((x) => x.ev === 'ringing').length === 1 &&
      !t.trace.some((x) => x.jsep && x.ms < acc.ms),
    `(c') Janus call to ${env.VCB_EXT_RINGING}: ringing at ${ringing?.ms} ms without jsep, accepted with answer at ${acc?.ms} ms`,
  );
  if (acc) {
    await jpost(`/${sid}/${hid}`, { janus: 'message', body: { request: 'hangup' } });
    await jevent(sid, (e) => e.plugindata?.data?.result?.event === 'hangup', 5000);
    await jevent(sid, (e) => e.janus === 'hangup', 3000);
  }

  // 2003 through Janus: progress with the early SDP, no accepted; hangup at 5 s -> CANCEL
  const elog0 = readFileSync(env.VCB_EARLY_LOG, 'utf8').length;
  t = await janusTrace(sid, hid, env.VCB_EXT_EARLY, (ev) => ev === 'hangup', 12000, [
    [5000, { request: 'hangup' }],
  ]);
  console.log(
    `  Janus 2003 trace: ${t.trace.map((x) => `${x.ev}${x.d.result?.code ? ` ${x.d.result.code}` : ''}${x.jsep ? '+jsep' : ''}@${x.ms}ms`).join(', ')}`,
  );
  const prog = t.trace.find((x) => x.ev === 'progress');
  const hung = t.trace.find((x) => x.ev === 'hangup');
  await sleep(300);
  const elog = readFileSync(env.VCB_EARLY_LOG, 'utf8').slice(elog0);
  console.log(`  early-2003.log: ${elog.trim().split('\n').join(' | ')}`);
  ok(
    prog &&
      /m=audio/.test(prog.jsep?.sdp || '') &&
      !t.trace.some((x) => x.ev === 'accepted') &&
      hung &&
      hung.ms >= 5000 &&
      /CANCEL call-id=.*-> 487/.test(elog),
    `(c') Janus call to ${env.VCB_EXT_EARLY}: progress with SDP at ${prog?.ms} ms, no accepted, hangup ${hung?.d.result?.code} ${hung?.d.result?.reason} at ${hung?.ms} ms, UAS got CANCEL`,
  );
  await jevent(sid, (e) => e.janus === 'hangup', 3000);
  await jpost(`/${sid}`, { janus: 'destroy' });
}

// ---------------------------------------------------------------- (e) ringing extension 2002
async function ringingCheck(caller) {
  const domain = env.VCB_SIP_DOMAIN;
  const ringMs = Number(env.VCB_RINGING_SECONDS) * 1000;
  const r = new Ctrl('2002', env.VCB_BARESIP_RINGING_CTRL);
  await r.connect();
  const km = caller.events.length;
  const kbefore = decFiles(env.SELFTEST_CALLER_RECORD_DIR);
  const t0 = Date.now();
  await caller.send('dial', `sip:${env.VCB_EXT_RINGING}@${domain}`);
  const ring = await caller.waitEvent((m) => m.type === 'CALL_RINGING', 2000, km);
  const est = await caller.waitEvent((m) => m.type === 'CALL_ESTABLISHED', ringMs + 3000, km);
  const early = caller.events
    .slice(km)
    .filter(
      (m) =>
        m.type === 'CALL_PROGRESS' || (m.type === 'CALL_REMOTE_SDP' && m.t < t0 + ringMs - 300),
    );
  ok(
    ring && ring.t - t0 < 1000 && early.length === 0,
    `(e) ${env.VCB_EXT_RINGING}: CALL_RINGING after ${ring ? ring.t - t0 : '-'} ms, no CALL_PROGRESS / early SDP (180 without SDP)`,
  );
  ok(
    est &&
      est.t - t0 >= ringMs - 50 &&
      est.t - t0 < ringMs + 1000 &&
      caller.events.slice(km).filter((m) => m.type === 'CALL_RINGING').length === 1,
    `(e) ${env.VCB_EXT_RINGING}: answered (CALL_ESTABLISHED) after ${est ? est.t - t0 : '-'} ms (VCB_RINGING_SECONDS=${env.VCB_RINGING_SECONDS})`,
  );
  const rest = await r.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 1000);
  ok(rest, '(e) 2002 emitted CALL_ESTABLISHED on VCB_BARESIP_RINGING_CTRL');
  await sleep(2500);
  const km2 = caller.events.length;
  await caller.send('hangup');
  await caller.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, km2);
  const rclosed = await r.waitEvent((m) => m.type === 'CALL_CLOSED', 3000);
  ok(rclosed, `(e) 2002 saw the BYE (CALL_CLOSED: ${rclosed?.param})`);
  await sleep(300);
  const rdec = decFiles(env.VCB_RECORD_DIR_RINGING);
  const kdec = newDec(env.SELFTEST_CALLER_RECORD_DIR, kbefore);
  const rs = rdec.length ? rms(rdec[0]) : {};
  const ks = kdec.length ? rms(kdec[0]) : {};
  ok(
    rdec.length === 1 && rs.rms > 0.05 && Math.abs(rs.freq - 1000) < 100 && ks.rms > 0.02,
    `(e) 2002 recorded the tone (${rs.secs}s rms ${rs.rms} ~${rs.freq} Hz in VCB_RECORD_DIR_RINGING), caller heard the greeting (rms ${ks.rms})`,
  );
  // cancel while it rings: 487 from Kamailio, the INVITE never reaches baresip 2002
  const km3 = caller.events.length;
  const rm3 = r.events.length;
  await caller.send('dial', `sip:${env.VCB_EXT_RINGING}@${domain}`);
  const ring3 = await caller.waitEvent((m) => m.type === 'CALL_RINGING', 2000, km3);
  await sleep(1000);
  await caller.send('hangup');
  const cc = await caller.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, km3);
  await sleep(ringMs);
  const klog = kamailioLog();
  ok(
    ring3 &&
      cc &&
      r.events.length === rm3 &&
      klog.includes(`ext 2002: sent 180 Ringing, INVITE held (call-id ${ring3.id})`) &&
      !klog.includes(`ext 2002: relaying to sip:2002@127.0.0.1:5066 (call-id ${ring3.id})`),
    `(e) hang up while 2002 rings: caller CALL_CLOSED "${cc?.param}" (Kamailio 487), 2002 saw nothing, INVITE never relayed`,
  );
  r.close();
}

// ---------------------------------------------------------------- (f) early-media extension 2003
async function earlyCheck(caller) {
  const domain = env.VCB_SIP_DOMAIN;
  const km = caller.events.length;
  const kbefore = decFiles(env.SELFTEST_CALLER_RECORD_DIR);
  const elog0 = readFileSync(env.VCB_EARLY_LOG, 'utf8').length;
  const t0 = Date.now();
  await caller.send('dial', `sip:${env.VCB_EXT_EARLY}@${domain}`);
  const prog = await caller.waitEvent((m) => m.type === 'CALL_PROGRESS', 2000, km);
  const sdp = await caller.waitEvent((m) => m.type === 'CALL_REMOTE_SDP', 2000, km);
  const est = await caller.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 5000, km);
  ok(
    prog && sdp && !est,
    `(f) ${env.VCB_EXT_EARLY}: CALL_PROGRESS after ${prog ? prog.t - t0 : '-'} ms with CALL_REMOTE_SDP "${sdp?.param}" (183 with SDP), no CALL_ESTABLISHED within 5 s`,
  );
  const km2 = caller.events.length;
  await caller.send('hangup');
  const closed = await caller.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, km2);
  await sleep(300);
  const elog = readFileSync(env.VCB_EARLY_LOG, 'utf8').slice(elog0);
  console.log(`  early-2003.log: ${elog.trim().split('\n').join(' | ')}`);
  ok(
    closed && /INVITE call-id=.* -> 183 PCMU/.test(elog) && /CANCEL call-id=.*-> 487/.test(elog),
    `(f) caller hung up -> CANCEL -> 487 (caller CALL_CLOSED: ${closed?.param})`,
  );
  const kdec = newDec(env.SELFTEST_CALLER_RECORD_DIR, kbefore);
  const ks = kdec.length ? rms(kdec[0]) : {};
  const ann = rms(env.VCB_EARLY_WAV);
  ok(
    ks.secs > 4 && ks.rms > 0.02,
    `(f) the caller heard the early announcement: ${ks.secs}s rms ${ks.rms} ~${ks.freq} Hz (announcement file: rms ${ann.rms} ~${ann.freq} Hz)`,
  );
}

// ---------------------------------------------------------------- (g) DTMF, mute window, hold at 2000
async function dtmfHoldMuteCheck(callee, caller) {
  const domain = env.VCB_SIP_DOMAIN;
  const cbefore = decFiles(env.VCB_RECORD_DIR);
  const km = caller.events.length;
  await caller.send('dial', `sip:${env.VCB_EXT_ANSWER}@${domain}`);
  const est = await caller.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 5000, km);
  if (!ok(est, '(g) call to 2000 established')) return;
  const callId = est.id;
  // The caller's source: 1 kHz 0-4.5 s, silence 4.5-6 s, 1 kHz again (see selftest.sh).
  await sleep(7000);
  const dm = callee.events.length;
  for (const d of ['1', '2', '#']) {
    await caller.send('sndcode', d);
    await sleep(300);
  }
  await sleep(500);
  const starts = callee.events.slice(dm).filter((e) => e.type === 'CALL_DTMF_START');
  const ends = callee.events.slice(dm).filter((e) => e.type === 'CALL_DTMF_END');
  ok(
    starts.map((e) => e.param).join('') === '12#' && ends.length === 3,
    `(g) RFC 4733 DTMF "12#" from the caller -> 2000 CALL_DTMF_START params "${starts.map((e) => e.param).join('')}", ${ends.length} CALL_DTMF_END`,
  );
  // hold / resume from the caller (baresip "hold" sends a=sendonly, "resume" a=sendrecv)
  for (const [cmd, dir] of [
    ['hold', 'sendonly'],
    ['resume', 'sendrecv'],
  ]) {
    const m = callee.events.length;
    const resp = await caller.send(cmd);
    const sdp = await callee.waitEvent(
      (e) => e.type === 'CALL_REMOTE_SDP' && e.param === 'offer',
      3000,
      m,
    );
    await sleep(100);
    const lines = kamailioLog().match(new RegExp(`vcb: re-INVITE call-id=${callId} .*`, 'g')) || [];
    const line = lines.pop() || '';
    ok(
      resp.ok && sdp && line.endsWith(`sdp-direction=${dir}`),
      `(g) caller "${cmd}" -> 2000 CALL_REMOTE_SDP "${sdp?.param}"; kamailio.log "${line}"`,
    );
    await sleep(1500);
  }
  const m3 = callee.events.length;
  await caller.send('hangup');
  await callee.waitEvent((e) => e.type === 'CALL_CLOSED', 3000, m3);
  await sleep(300);
  const dec = newDec(env.VCB_RECORD_DIR, cbefore);
  if (!ok(dec.length === 1, `(g) 2000 wrote one new dump-*-dec.wav (${dec.length})`)) return;
  const w = {
    tone: rmsWindow(dec[0], 1, 3),
    silent: rmsWindow(dec[0], 4.8, 0.9),
    again: rmsWindow(dec[0], 6.3, 0.6),
  };
  ok(
    w.tone > 0.2 && w.silent < 0.005 && w.again > 0.2,
    `(g) windows of 2000's recording: 1-4 s rms ${w.tone}, 4.8-5.7 s (caller silent) rms ${w.silent}, 6.3-6.9 s rms ${w.again}`,
  );
  const s = rms(dec[0]);
  console.log(
    `  2000's recording of this ${((Date.now() - est.t) / 1000).toFixed(1)} s call: ${s.secs}s; last 1 s rms ${rmsWindow(dec[0], Math.max(0, s.secs - 1), 1)}`,
  );
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

  await ringingCheck(caller);
  await earlyCheck(caller);
  await dtmfHoldMuteCheck(callee, caller);
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
