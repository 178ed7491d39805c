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
//   (h) context headers: "vcb: INVITE-HEADERS" shows a call's X- headers exactly (none, two, and
//       a CR/LF-injected value split into two header lines)
//   (i) text page -> 2000 (in-dialog MESSAGE): messagesent + messagedelivery 200, Kamailio's
//       MESSAGE / MESSAGE-REPLY lines, 2000's console shows it; application/json -> 415
//   (j) text 2000 -> page (ctrl_tcp "message", out of dialog): Kamailio relays it to the handle
//       of 2000's current call, which gets {event:'message', content, sender, call_id}; per call
//       (2008's text reaches only the handle of 2008's call); 404 once the call is over
//   (l) remote hold with autoaccept_reinvites:false: 2000's "hold"/"resume" (and the agent's
//       hold inactive / resume) arrive as "updatingcall" with the offer; {request:'update'} with
//       an answer -> "updated", 200 to the re-INVITE
//   (m) transfers from 2000: "transfer" event {refer_id, refer_to, referred_by}; a new handle
//       calling refer_to with refer_id reaches 2008 (accepted) / 2001 (486); {request:'decline',
//       refer_id, code:603} -> "declining" and a NOTIFY 603 (targets sip:attacker@evil.example,
//       sip:2000@10.0.0.1); what baresip does with the old call afterwards is printed (NOTE)
//   (k) the agent (2009): X- headers received, MESSAGE -> 415 (404 on request: printed NOTE on
//       what that does), in-dialog MESSAGE to the page, REFER declined (call kept) / followed
//       (agent hangs up)
//   (n) video: a temporary baresip caller with fakevideo + VP8 (SELFTEST_VIDEO_CALLER_CTRL) calls
//       2010 through Kamailio: answered, video RTP both ways, 2010's log (VCB_BARESIP_VIDEO_LOG)
//       says "video: receiving with resolution 640 x 480", ctrl_tcp "video_debug" on both sides
//       shows VP8 decoding with frames > 0; the caller hears the greeting
//   (o) voicemail: the tone caller calls 2011 (VCB_EXT_VOICEMAIL): answered; it hears the prompt
//       (speech, then the 1 kHz beep where VCB_VOICEMAIL_PROMPT_WAV ends, then silence); 2011
//       hangs up by itself VCB_VOICEMAIL_SECONDS after the answer ("vcb: BYE ... from=2011" in
//       kamailio.log); 2011's recording (VCB_RECORD_DIR_VOICEMAIL) holds the caller's tone
// SELFTEST_ONLY=beyond runs only (h)-(m), SELFTEST_ONLY=video only (n), SELFTEST_ONLY=voicemail
// only (o) (for work on them; the selftest is the full run).
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
  // The same SDP the JanusClient's calls offer (fakeSdp, further down), PCMU and PCMA.
  return fakeSdp({ fp: randomFingerprint(), setup: 'actpass', dir: 'sendrecv' });
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

// ---------------------------------------------------------------- (h)-(m) text, headers, transfers, remote hold
// A Janus session whose events are long-polled in the background, so that several handles
// (the call, the transfer's new call) can be followed at once. Events: {t, sender, janus, d
// (plugindata.data), jsep}.
class JanusClient {
  constructor(name) {
    this.name = name;
    this.events = [];
    this.waiters = [];
    this.abort = new AbortController();
  }
  async open() {
    const sess = await jpost('', { janus: 'create' });
    this.sid = sess.data?.id;
    this.loop = this.poll();
    return this.sid;
  }
  async poll() {
    while (!this.abort.signal.aborted) {
      let list;
      try {
        const r = await fetch(
          `${JH}/${this.sid}?maxev=10&rid=${Date.now()}&token=${encodeURIComponent(TOKEN)}`,
          { signal: this.abort.signal },
        );
        const ev = await r.json();
        list = Array.isArray(ev) ? ev : [ev];
      } catch {
        return;
      }
      for (const e of list) {
        if (e.janus === 'keepalive') continue;
        const m = {
          t: Date.now(),
          sender: e.sender,
          janus: e.janus,
          d: e.plugindata?.data,
          jsep: e.jsep,
        };
        console.log(
          `  [${this.name} h${String(e.sender).slice(-4)}] ${JSON.stringify(m.d ?? { janus: e.janus, reason: e.reason })}${m.jsep ? ` +jsep ${m.jsep.type}` : ''}`,
        );
        this.events.push(m);
        this.waiters = this.waiters.filter((w) => !w(m));
      }
    }
  }
  mark() {
    return this.events.length;
  }
  // The first event after `since` matching pred (null after ms).
  wait(pred, ms, since = 0) {
    const old = this.events.slice(since).find(pred);
    if (old) return Promise.resolve(old);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(null), ms);
      this.waiters.push((m) => {
        if (!pred(m)) return false;
        clearTimeout(t);
        resolve(m);
        return true;
      });
    });
  }
  // A SIP plugin event of handle hid (result.event = name, or an error).
  waitSip(hid, name, ms, since = 0) {
    return this.wait(
      (m) => m.sender === hid && (m.d?.result?.event === name || (name === 'error' && m.d?.error)),
      ms,
      since,
    );
  }
  send(hid, body, jsep) {
    return jpost(`/${this.sid}/${hid}`, { janus: 'message', body, ...(jsep ? { jsep } : {}) });
  }
  // A new handle registered as guest sip:visitor@DOMAIN, with its fake DTLS fingerprint.
  async guest() {
    const att = await jpost(`/${this.sid}`, { janus: 'attach', plugin: 'janus.plugin.sip' });
    const hid = att.data?.id;
    const m = this.mark();
    await this.send(hid, {
      request: 'register',
      type: 'guest',
      username: `sip:visitor@${env.VCB_SIP_DOMAIN}`,
    });
    await this.waitSip(hid, 'registered', 5000, m);
    return { hid, fp: randomFingerprint() };
  }
  // Places a call from handle h; resolves with {callId, accepted, hangup, ms}.
  async call(h, uri, extra = {}, ms = 8000) {
    const m = this.mark();
    const t0 = Date.now();
    const r = await this.send(
      h.hid,
      { request: 'call', uri, ...extra },
      {
        type: 'offer',
        sdp: fakeSdp({ fp: h.fp, setup: 'actpass', dir: 'sendrecv' }),
      },
    );
    if (r.janus !== 'ack') return { error: r };
    const end = await this.wait(
      (e) =>
        e.sender === h.hid &&
        (['accepted', 'hangup'].includes(e.d?.result?.event) || Boolean(e.d?.error)),
      ms,
      m,
    );
    const calling = this.events.slice(m).find((e) => e.sender === h.hid && e.d?.call_id);
    return {
      callId: end?.d?.call_id ?? calling?.d?.call_id,
      accepted: end?.d?.result?.event === 'accepted' ? end : null,
      hangup: end?.d?.result?.event === 'hangup' ? end : null,
      error: end?.d?.error,
      ms: end ? end.t - t0 : null,
    };
  }
  // Hangs up handle h's call (if any) and waits for the core "hangup" (the PeerConnection gone).
  async hangup(h) {
    const m = this.mark();
    await this.send(h.hid, { request: 'hangup' });
    await this.waitSip(h.hid, 'hangup', 3000, m);
    await this.wait((e) => e.sender === h.hid && e.janus === 'hangup', 3000, m);
  }
  async close() {
    await jpost(`/${this.sid}`, { janus: 'destroy' });
    this.abort.abort();
    await this.loop;
  }
}

function randomFingerprint() {
  return Array.from({ length: 32 }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0')
      .toUpperCase(),
  ).join(':');
}
// A minimal WebRTC audio offer or answer (ICE/DTLS never complete; enough for the SIP leg).
function fakeSdp({ fp, setup, dir, mid = '0', pts = [0, 8] }) {
  const names = { 0: 'PCMU/8000', 8: 'PCMA/8000' };
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS',
    `m=audio 9 UDP/TLS/RTP/SAVPF ${pts.join(' ')}`,
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fp}`,
    `a=setup:${setup}`,
    `a=mid:${mid}`,
    `a=${dir}`,
    'a=rtcp-mux',
    ...pts.map((p) => `a=rtpmap:${p} ${names[p] ?? 'PCMU/8000'}`),
    '',
  ].join('\r\n');
}
const SDP_DIRS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
const sdpDir = (sdp) =>
  SDP_DIRS.find((d) => new RegExp(`^a=${d}\\s*$`, 'm').test(sdp || '')) || 'sendrecv';
const ANSWER_DIR = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};
// The page's side of a re-INVITE with autoaccept_reinvites:false: an answer to the offer of an
// "updatingcall" event, sent with {request:'update'}.
function fakeAnswer(h, offer) {
  const mid = (offer.match(/^a=mid:(\S+)/m) || [])[1] || '0';
  const pts = ((offer.match(/^m=audio \d+ \S+ ([\d ]+)/m) || [])[1] || '0')
    .trim()
    .split(/\s+/)
    .map(Number)
    .slice(0, 1);
  const theirs = (offer.match(/^a=setup:(\S+)/m) || [])[1];
  const setup = theirs === 'active' ? 'passive' : 'active';
  return fakeSdp({ fp: h.fp, setup, dir: ANSWER_DIR[sdpDir(offer)], mid, pts });
}

const logSince = (file, from) => readFileSync(file, 'utf8').slice(from);
const logSize = (file) => readFileSync(file, 'utf8').length;
// Waits until a line matching re appears in file after offset `from` (null after ms).
async function waitLine(file, re, from, ms = 3000) {
  const end = Date.now() + ms;
  for (;;) {
    const line = logSince(file, from)
      .split('\n')
      .find((l) => re.test(l));
    if (line || Date.now() > end) return line ?? null;
    await sleep(50);
  }
}
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const jsonField = (line, name) => {
  const m = (line || '').match(new RegExp(`${name}=(\\[.*?\\])(?= [a-z-]+=|$)`));
  try {
    return m ? JSON.parse(m[1]) : null;
  } catch {
    return null;
  }
};
const bodyField = (line) => {
  const m = (line || '').match(/ body="(.*)"$/);
  try {
    return m ? JSON.parse(`"${m[1]}"`) : null;
  } catch {
    return null;
  }
};
async function agent(path, body) {
  const r = await fetch(`${env.VCB_AGENT_CTRL}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return r.json();
}

async function headerChecks(jc) {
  const KLOG = join(env.VCB_LOG_DIR, 'kamailio.log');
  const h = await jc.guest();
  const domain = env.VCB_SIP_DOMAIN;
  const cases = [
    [
      { 'X-Page': '/checkout', 'X-Order': '1234' },
      ['X-Page: /checkout', 'X-Order: 1234'],
      'two X- headers',
    ],
    [{}, [], 'no headers'],
    // Janus 1.1.2 does no cleaning: CR/LF in a value starts a new header line
    [{ 'X-Page': 'a\r\nX-Evil: injected' }, ['X-Page: a', 'X-Evil: injected'], 'CR/LF in a value'],
    // ... and a header line longer than 254 characters is cut there and glued to the next one
    [
      { 'X-Long': 'L'.repeat(300), 'X-Next': 'n' },
      [`X-Long: ${'L'.repeat(300)}`.slice(0, 254) + 'X-Next: n'],
      'a 308-character header line',
    ],
  ];
  for (const [headers, want, what] of cases) {
    const k0 = logSize(KLOG);
    const m = jc.mark();
    const r = await jc.call(h, `sip:${env.VCB_EXT_BUSY}@${domain}`, { headers });
    if (r.error) console.log(`  call error: ${JSON.stringify(r.error)}`);
    // the failed call's PeerConnection must be gone before the next offer on this handle
    await jc.wait((e) => e.sender === h.hid && e.janus === 'hangup', 3000, m);
    const line = await waitLine(
      KLOG,
      new RegExp(`vcb: INVITE-HEADERS call-id=${esc(r.callId ?? '-')} `),
      k0,
    );
    const x = jsonField(line, 'x-headers');
    const names = jsonField(line, 'names');
    const lines = jsonField(line, 'lines');
    ok(
      r.hangup &&
        JSON.stringify(x) === JSON.stringify(want) &&
        line.includes(`x-count=${want.length}`) &&
        names?.includes('Call-ID') &&
        lines?.length === names.length &&
        lines.some((l) => l.startsWith('User-Agent: ')),
      `(h) INVITE with ${what}: kamailio "${line?.replace(/ names=.*/, '')}" names=${JSON.stringify(names)}`,
    );
    await sleep(250); // stay well inside Kamailio's rate limit
  }
  return h;
}

async function textChecks(jc, callee, xfer) {
  const KLOG = join(env.VCB_LOG_DIR, 'kamailio.log');
  const CONS = env.VCB_BARESIP_CONSOLE_LOG;
  const domain = env.VCB_SIP_DOMAIN;
  const a = await jc.guest();
  const r = await jc.call(a, `sip:${env.VCB_EXT_ANSWER}@${domain}`, {
    autoaccept_reinvites: false,
  });
  if (
    !ok(
      r.accepted,
      `(i) call A to ${env.VCB_EXT_ANSWER} accepted (${r.ms} ms), call-id ${r.callId}`,
    )
  )
    return null;
  // page -> 2000, in dialog
  for (const text of ['hi <b>there</b> — ünïcödé ✓', 'two\nlines "quoted" \\ back']) {
    const k0 = logSize(KLOG);
    const c0 = logSize(CONS);
    const m = jc.mark();
    const t0 = Date.now();
    await jc.send(a.hid, { request: 'message', content: text });
    const sent = await jc.waitSip(a.hid, 'messagesent', 2000, m);
    const dl = await jc.waitSip(a.hid, 'messagedelivery', 3000, m);
    const line = await waitLine(KLOG, new RegExp(`vcb: MESSAGE call-id=${esc(r.callId)} `), k0);
    const reply = await waitLine(
      KLOG,
      new RegExp(`vcb: MESSAGE-REPLY call-id=${esc(r.callId)} code=200`),
      k0,
    );
    const first = text.split('\n')[0];
    const cons = await waitLine(CONS, new RegExp(`^\\r?sip:visitor@[^ ]*: "${esc(first)}`), c0);
    ok(
      sent && dl?.d?.result?.code === 200 && bodyField(line) === text && reply && cons,
      `(i) page -> ${env.VCB_EXT_ANSWER} MESSAGE ${JSON.stringify(text)}: messagesent, messagedelivery ${dl?.d?.result?.code} after ${dl ? dl.t - t0 : '-'} ms; kamailio "${line}" / "${reply}"; console ${JSON.stringify(cons)}`,
    );
  }
  {
    const m = jc.mark();
    await jc.send(a.hid, {
      request: 'message',
      content: '{"a":1}',
      content_type: 'application/json',
    });
    const dl = await jc.waitSip(a.hid, 'messagedelivery', 3000, m);
    ok(
      dl?.d?.result?.code === 415,
      `(i) page -> ${env.VCB_EXT_ANSWER} application/json: messagedelivery ${dl?.d?.result?.code} ${dl?.d?.result?.reason} (baresip takes text/plain only)`,
    );
  }
  // 2000 -> page: out-of-dialog MESSAGE relayed by Kamailio to the handle of 2000's call
  const text = '<b>bold</b> & "quotes" from 2000';
  let k0 = logSize(KLOG);
  let m = jc.mark();
  let t0 = Date.now();
  const resp = await callee.send('message', text);
  let ev = await jc.waitSip(a.hid, 'message', 3000, m);
  let line = await waitLine(KLOG, /vcb: MESSAGE-FROM-EXT ext=2000 /, k0);
  let reply = await waitLine(
    KLOG,
    new RegExp(`vcb: MESSAGE-REPLY call-id=${esc(r.callId)} code=200 .*message-call-id=`),
    k0,
  );
  ok(
    resp.ok &&
      ev?.d?.result?.content === text &&
      ev.d.call_id === r.callId &&
      /^sip:2000@/.test(ev.d.result.sender) &&
      line?.includes(`call-id=${r.callId} `) &&
      bodyField(line) === text &&
      reply,
    `(j) 2000 ctrl_tcp "message" -> handle A event message after ${ev ? ev.t - t0 : '-'} ms: ${JSON.stringify(ev?.d)}; kamailio "${line}" / "${reply}"`,
  );
  // per call, not per user: B (also sip:visitor@...) calls 2008; 2008's text goes to B only
  const b = await jc.guest();
  const rb = await jc.call(b, `sip:${env.VCB_EXT_TRANSFER}@${domain}`);
  ok(
    rb.accepted,
    `(j) call B to ${env.VCB_EXT_TRANSFER} accepted (${rb.ms} ms), call-id ${rb.callId}`,
  );
  m = jc.mark();
  await xfer.send('message', 'for B only');
  ev = await jc.waitSip(b.hid, 'message', 3000, m);
  await sleep(300);
  const leak = jc.events
    .slice(m)
    .find((e) => e.sender === a.hid && e.d?.result?.event === 'message');
  ok(
    ev?.d?.result?.content === 'for B only' && ev.d.call_id === rb.callId && !leak,
    `(j) 2008 ctrl_tcp "message" -> handle B only (call-id ${ev?.d?.call_id}); handle A got ${leak ? 'it too' : 'nothing'}`,
  );
  await jc.hangup(b);
  k0 = logSize(KLOG);
  await xfer.send('message', 'nobody there');
  line = await waitLine(KLOG, /vcb: MESSAGE-FROM-EXT ext=2008 no current call/, k0);
  ok(line, `(j) 2008 "message" after its call ended: kamailio "${line}"`);
  return { a, r };
}

// Remote hold with autoaccept_reinvites:false: the re-INVITE reaches the page as "updatingcall"
// with an offer; the page answers with {request:'update'} and an answer.
async function remoteHold(jc, h, callId, trigger, dir, label) {
  const KLOG = join(env.VCB_LOG_DIR, 'kamailio.log');
  const k0 = logSize(KLOG);
  const m = jc.mark();
  const t0 = Date.now();
  const done = trigger();
  const upd = await jc.waitSip(h.hid, 'updatingcall', 3000, m);
  const offerDir = sdpDir(upd?.jsep?.sdp);
  let updated = null;
  let answerDir = null;
  if (upd?.jsep) {
    const answer = fakeAnswer(h, upd.jsep.sdp);
    answerDir = sdpDir(answer);
    await jc.send(h.hid, { request: 'update' }, { type: 'answer', sdp: answer });
    updated = await jc.wait(
      (e) => e.sender === h.hid && (e.d?.result?.event === 'updated' || e.d?.error),
      3000,
      m,
    );
  }
  const res = await done;
  const inv = await waitLine(KLOG, new RegExp(`vcb: re-INVITE call-id=${esc(callId)} `), k0);
  const rep = await waitLine(KLOG, new RegExp(`vcb: re-INVITE-REPLY call-id=${esc(callId)} `), k0);
  ok(
    upd &&
      offerDir === dir &&
      updated?.d?.result?.event === 'updated' &&
      inv?.endsWith(`sdp-direction=${dir}`) &&
      / code=200 /.test(rep ?? ''),
    `(l) ${label}: updatingcall after ${upd ? upd.t - t0 : '-'} ms (call_id ${upd?.d?.call_id}, offer a=${offerDir}), page answers a=${answerDir} -> ${updated?.d?.result?.event ?? JSON.stringify(updated?.d)}; ${res ? `${JSON.stringify(res)}; ` : ''}kamailio "${inv}" / "${rep}"`,
  );
  return upd;
}

async function holdChecks(jc, callee, a, callId) {
  await remoteHold(jc, a, callId, () => callee.send('hold'), 'sendonly', '2000 ctrl_tcp "hold"');
  await sleep(300);
  await remoteHold(
    jc,
    a,
    callId,
    () => callee.send('resume'),
    'sendrecv',
    '2000 ctrl_tcp "resume"',
  );
}

// Transfers from 2000 (baresip): the page's handle gets "transfer"; a new handle calls refer_to
// with refer_id (or the page declines it).
async function transferChecks(jc, callee, xferCtrl, a, callId) {
  const KLOG = join(env.VCB_LOG_DIR, 'kamailio.log');
  const domain = env.VCB_SIP_DOMAIN;
  const cases = [
    [`sip:${env.VCB_EXT_TRANSFER}@${domain}`, 'follow', 'accepted'],
    [`sip:${env.VCB_EXT_BUSY}@${domain}`, 'follow', 'hangup'],
    ['sip:attacker@evil.example', 'decline', null],
    ['sip:2000@10.0.0.1', 'decline', null],
  ];
  let first = { h: a, callId };
  for (const [target, action, outcome] of cases) {
    let cur = first;
    first = null;
    if (!cur) {
      const h = await jc.guest();
      const r = await jc.call(h, `sip:${env.VCB_EXT_ANSWER}@${domain}`);
      if (!ok(r.accepted, `(m) new call to ${env.VCB_EXT_ANSWER} accepted, call-id ${r.callId}`))
        return;
      cur = { h, callId: r.callId };
      await sleep(300);
    }
    const { h } = cur;
    const k0 = logSize(KLOG);
    const m = jc.mark();
    const cm = callee.events.length;
    const t0 = Date.now();
    const resp = await callee.send('transfer', target);
    const tr = await jc.waitSip(h.hid, 'transfer', 3000, m);
    const refer = await waitLine(KLOG, new RegExp(`vcb: REFER call-id=${esc(cur.callId)} `), k0);
    const rr = tr?.d?.result;
    ok(
      resp.ok && rr?.refer_id > 0 && rr.refer_to === target && /2000/.test(rr.referred_by ?? ''),
      `(m) 2000 ctrl_tcp transfer ${target} -> handle event after ${tr ? tr.t - t0 : '-'} ms: ${JSON.stringify(tr?.d)}; kamailio "${refer}"`,
    );
    if (!rr) continue;
    let note;
    if (action === 'follow') {
      const n = await jc.guest();
      const xm = xferCtrl.events.length;
      const r2 = await jc.call(n, rr.refer_to, { refer_id: rr.refer_id });
      const notify = await waitLine(
        KLOG,
        new RegExp(`vcb: NOTIFY call-id=${esc(cur.callId)} .*SIP/2\\.0 [2-6]\\d\\d`),
        k0,
      );
      const closed = await callee.waitEvent(
        (e) => e.type === 'CALL_CLOSED' || e.type === 'TRANSFER_FAILED',
        3000,
        cm,
      );
      const got = outcome === 'accepted' ? r2.accepted : r2.hangup;
      const est =
        outcome === 'accepted'
          ? await xferCtrl.waitEvent((e) => e.type === 'CALL_ESTABLISHED', 2000, xm)
          : true;
      note = `2000 then: ${closed?.type} "${closed?.param ?? ''}"`;
      ok(
        got && est && notify && closed,
        `(m) the new handle calls ${rr.refer_to} with refer_id: ${outcome === 'accepted' ? `accepted after ${r2.ms} ms, 2008 CALL_ESTABLISHED` : `hangup ${r2.hangup?.d?.result?.code} ${r2.hangup?.d?.result?.reason}`}; kamailio "${notify}"; ${note}`,
      );
      if (r2.accepted) await jc.hangup(n);
      else await jc.wait((e) => e.sender === n.hid && e.janus === 'hangup', 3000, m);
    } else {
      const dm = jc.mark();
      await jc.send(h.hid, { request: 'decline', refer_id: rr.refer_id, code: 603 });
      const dec = await jc.wait(
        (e) => e.sender === h.hid && (e.d?.result?.event === 'declining' || e.d?.error),
        3000,
        dm,
      );
      const notify = await waitLine(
        KLOG,
        new RegExp(`vcb: NOTIFY call-id=${esc(cur.callId)} .*603`),
        k0,
      );
      const failed = await callee.waitEvent(
        (e) => e.type === 'TRANSFER_FAILED' || e.type === 'CALL_CLOSED',
        3000,
        cm,
      );
      note = `2000 then: ${failed ? `${failed.type} "${failed.param}"` : 'nothing'}`;
      ok(
        dec?.d?.result?.event === 'declining' && dec.d.result.refer_id === rr.refer_id && notify,
        `(m) page declines ${target}: ${JSON.stringify(dec?.d)}; kamailio "${notify}"; ${note}`,
      );
    }
    // What the transferor does with the old call afterwards (baresip 1.0: see the notes).
    const bye = await jc.waitSip(h.hid, 'hangup', 3000, m);
    console.log(
      `  NOTE after transfer to ${target} (${action}): ${note}; the page's old call: ${bye ? `hangup ${bye.d.result.code} ${bye.d.result.reason} ${bye.t - t0} ms after the REFER` : 'no BYE within 3 s'}`,
    );
    if (!bye) await jc.hangup(h);
    else await jc.wait((e) => e.sender === h.hid && e.janus === 'hangup', 3000, m);
    await sleep(300);
  }
}

// The agent (2009): MESSAGE answered 415 (404 on request), in-dialog MESSAGE to the page,
// remote hold with a=inactive, a REFER the page declines (the agent keeps the call), then one
// it follows (the agent hangs up).
async function agentChecks(jc) {
  const KLOG = join(env.VCB_LOG_DIR, 'kamailio.log');
  const ALOG = env.VCB_AGENT_LOG;
  const domain = env.VCB_SIP_DOMAIN;
  const h = await jc.guest();
  const a0 = logSize(ALOG);
  const r = await jc.call(h, `sip:${env.VCB_EXT_AGENT}@${domain}`, {
    autoaccept_reinvites: false,
    headers: { 'X-Page': '/agent?a=1&b=2' },
  });
  const inv = await waitLine(
    ALOG,
    new RegExp(`agent-uas: INVITE call-id=${esc(r.callId ?? '-')} `),
    a0,
  );
  if (
    !ok(
      r.accepted && inv?.includes('x-headers=["X-Page: /agent?a=1&b=2"]'),
      `(k) call to ${env.VCB_EXT_AGENT} accepted (${r.ms} ms); agent "${inv}"`,
    )
  )
    return;
  // page -> agent: 415, the dialog goes on
  const message = async (hh, callId, code) => {
    const k0 = logSize(KLOG);
    const l0 = logSize(ALOG);
    const m = jc.mark();
    await jc.send(hh.hid, { request: 'message', content: `hello agent ${code}` });
    const dl = await jc.waitSip(hh.hid, 'messagedelivery', 3000, m);
    const al = await waitLine(ALOG, /agent-uas: MESSAGE call-id=/, l0);
    const kr = await waitLine(
      KLOG,
      new RegExp(`vcb: MESSAGE-REPLY call-id=${esc(callId)} code=${code}`),
      k0,
    );
    ok(
      dl?.d?.result?.code === code && al?.endsWith(`-> ${code}`) && kr,
      `(k) page -> agent MESSAGE: messagedelivery ${JSON.stringify(dl?.d)}; agent "${al}"; kamailio "${kr}"`,
    );
    return m;
  };
  await message(h, r.callId, 415);
  // agent -> page, in dialog
  {
    const m = jc.mark();
    const res = await agent('message', { text: 'agent <i>typing</i>' });
    const ev = await jc.waitSip(h.hid, 'message', 3000, m);
    ok(
      res.code === 200 &&
        ev?.d?.result?.content === 'agent <i>typing</i>' &&
        ev.d.call_id === r.callId,
      `(k) agent POST /message (in dialog) -> ${res.code} after ${res.ms} ms; page event ${JSON.stringify(ev?.d)}`,
    );
  }
  await remoteHold(
    jc,
    h,
    r.callId,
    () => agent('hold', { direction: 'inactive' }),
    'inactive',
    'agent POST /hold inactive',
  );
  await remoteHold(jc, h, r.callId, () => agent('resume', {}), 'sendrecv', 'agent POST /resume');
  // REFER from the agent: declined -> the agent keeps the call
  let m = jc.mark();
  let l0 = logSize(ALOG);
  const tres = await agent('transfer', { uri: 'sip:attacker@evil.example' });
  const tr = await jc.waitSip(h.hid, 'transfer', 3000, m);
  await jc.send(h.hid, { request: 'decline', refer_id: tr?.d?.result?.refer_id, code: 603 });
  const dec = await jc.waitSip(h.hid, 'declining', 3000, m);
  const nl = await waitLine(ALOG, /agent-uas: NOTIFY .*603/, l0);
  await sleep(500);
  const c = (await agent('calls')).find((x) => x.callId === r.callId);
  ok(
    tres.code === 202 &&
      tr &&
      dec &&
      nl &&
      c?.state === 'confirmed' &&
      !jc.events.slice(m).some((e) => e.sender === h.hid && e.d?.result?.event === 'hangup'),
    `(k) agent POST /transfer evil -> REFER ${tres.code}, page "transfer" ${JSON.stringify(tr?.d?.result)}, declined; agent "${nl}"; the agent keeps the call (state ${c?.state})`,
  );
  // REFER from the agent to 2008, followed: the agent hangs up after the NOTIFY with 200
  m = jc.mark();
  l0 = logSize(ALOG);
  await agent('transfer', { uri: `sip:${env.VCB_EXT_TRANSFER}@${domain}`, wait: false });
  const tr2 = await jc.waitSip(h.hid, 'transfer', 3000, m);
  const n = await jc.guest();
  const r2 = await jc.call(n, tr2?.d?.result?.refer_to, { refer_id: tr2?.d?.result?.refer_id });
  const bye = await jc.waitSip(h.hid, 'hangup', 3000, m);
  const nl2 = await waitLine(ALOG, /agent-uas: NOTIFY .*SIP\/2\.0 200/, l0);
  ok(
    r2.accepted && bye && nl2,
    `(k) agent POST /transfer 2008, followed: new call accepted after ${r2.ms} ms; agent "${nl2}"; the page's agent call: hangup ${bye?.d?.result?.code} ${bye?.d?.result?.reason} ${bye ? bye.t - tr2.t : '-'} ms after the transfer event`,
  );
  await jc.wait((e) => e.sender === h.hid && e.janus === 'hangup', 3000, m);
  if (r2.accepted) await jc.hangup(n);
  // 404 to an in-dialog MESSAGE ends the dialog at Janus (RFC 5057): what the page sees
  await agent('config', { messageReply: 404 });
  const r3 = await jc.call(h, `sip:${env.VCB_EXT_AGENT}@${domain}`);
  if (r3.accepted) {
    const m3 = await message(h, r3.callId, 404);
    await sleep(1500);
    const after = jc.events
      .slice(m3)
      .filter((e) => e.sender === h.hid && e.d?.result?.event !== 'messagedelivery')
      .map((e) => e.d?.result?.event ?? `core ${e.janus}`);
    const l3 = logSize(ALOG);
    const res = await agent('message', { text: 'still there?' });
    console.log(
      `  NOTE after a 404 to an in-dialog MESSAGE: the handle got [${after.join(', ')}] within 1.5 s; agent's next in-dialog MESSAGE -> ${res.code} ${res.reason}`,
    );
    await jc.hangup(h);
    await sleep(200);
    console.log(
      `  NOTE then the page's hangup: agent log ${JSON.stringify(logSince(ALOG, l3).trim().split('\n').slice(-1))}`,
    );
  }
  await agent('config', { messageReply: 415 });
}

async function beyondChecks(callee) {
  const xfer = new Ctrl('2008', env.VCB_BARESIP_TRANSFER_CTRL);
  await xfer.connect();
  const jc = new JanusClient('janus');
  await jc.open();
  await headerChecks(jc);
  const t = await textChecks(jc, callee, xfer);
  if (t) {
    await holdChecks(jc, callee, t.a, t.r.callId);
    await transferChecks(jc, callee, xfer, t.a, t.r.callId);
  }
  await agentChecks(jc);
  await jc.close();
  xfer.close();
}

// ---------------------------------------------------------------- (n) video extension 2010
// What ctrl_tcp's "video_debug" answers (baresip 1.0 prints it nowhere else), e.g.
//   " rx: decode: VP8 yuv420p\n     vidisp: fakevideo 640 x 480 frames=33"
function videoStats(data) {
  const rx = (data || '').match(/ rx: decode: (\S+).*\n\s+vidisp: \S+ (\d+) x (\d+) frames=(\d+)/);
  const tx = (data || '').match(
    / tx: encode: (\S+).*\n\s+source: \S+ \d+ x \d+, fps=[\d.]+ frames=(\d+)/,
  );
  return {
    decoder: rx?.[1] ?? 'none',
    size: rx ? `${rx[2]}x${rx[3]}` : '-',
    decoded: Number(rx?.[4] ?? 0),
    encoder: tx?.[1] ?? 'none',
    sent: Number(tx?.[2] ?? 0),
  };
}

async function videoCheck() {
  const vc = new Ctrl('video-caller', env.SELFTEST_VIDEO_CALLER_CTRL);
  const v = new Ctrl('2010', env.VCB_BARESIP_VIDEO_CTRL);
  await vc.connect();
  await v.connect();
  const VLOG = env.VCB_BARESIP_VIDEO_LOG;
  const l0 = logSize(VLOG);
  const c0 = logSize(env.SELFTEST_VIDEO_CALLER_LOG);
  const t0 = Date.now();
  await vc.send('dial', `sip:${env.VCB_EXT_VIDEO}@${env.VCB_SIP_DOMAIN}`);
  const est = await vc.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 3000);
  const rtpIn = await v.waitEvent((m) => m.type === 'CALL_RTPESTAB' && m.param === 'video', 2000);
  const rtpOut = await vc.waitEvent((m) => m.type === 'CALL_RTPESTAB' && m.param === 'video', 2000);
  // Printed once per call, when the first received frame has been decoded.
  const res = await waitLine(VLOG, /video: receiving with resolution/, l0, 3000);
  const cres = await waitLine(
    env.SELFTEST_VIDEO_CALLER_LOG,
    /video: receiving with resolution/,
    c0,
    1000,
  );
  await sleep(300);
  const at2010 = videoStats((await v.send('video_debug')).data);
  const atCaller = videoStats((await vc.send('video_debug')).data);
  const dec = (logSince(VLOG, l0).match(/Set video decoder: .*/) || [])[0];
  ok(
    est && rtpIn && rtpOut && est.t - t0 < 2000,
    `(n) ${env.VCB_EXT_VIDEO}: answered after ${est ? est.t - t0 : '-'} ms, video RTP both ways (CALL_RTPESTAB video at 2010 and at the caller)`,
  );
  ok(
    res?.includes('640 x 480') &&
      /VP8/.test(dec || '') &&
      at2010.decoder === 'VP8' &&
      at2010.decoded > 0,
    `(n) 2010 decodes the caller's VP8: log "${dec?.trim()}", "${res?.trim()}"; video_debug rx ${at2010.decoder} ${at2010.size} frames=${at2010.decoded}`,
  );
  ok(
    cres?.includes('640 x 480') &&
      at2010.encoder === 'VP8' &&
      at2010.sent > 0 &&
      atCaller.decoder === 'VP8' &&
      atCaller.decoded > 0,
    `(n) 2010 sends VP8 640x480 (video_debug tx ${at2010.encoder} frames=${at2010.sent}); the caller decodes it (${atCaller.decoder} ${atCaller.size} frames=${atCaller.decoded})`,
  );
  const m = vc.events.length;
  await vc.send('hangup');
  await vc.waitEvent((e) => e.type === 'CALL_CLOSED', 3000, m);
  const closed = await v.waitEvent((e) => e.type === 'CALL_CLOSED', 3000);
  await sleep(200);
  const heard = decFiles(env.SELFTEST_VIDEO_CALLER_RECORD_DIR);
  const s = heard.length ? rms(heard[heard.length - 1]) : {};
  ok(
    closed && heard.length === 1 && s.rms > 0.02,
    `(n) the caller heard 2010's greeting (${s.secs}s rms ${s.rms}); 2010 saw the BYE (CALL_CLOSED: ${closed?.param})`,
  );
  vc.close();
  v.close();
}

// ---------------------------------------------------------------- (o) voicemail extension 2011
async function voicemailCheck(caller) {
  const maxMs = Number(env.VCB_VOICEMAIL_SECONDS) * 1000;
  const promptSecs = rms(env.VCB_VOICEMAIL_PROMPT_WAV).secs;
  const vm = new Ctrl('2011', env.VCB_BARESIP_VOICEMAIL_CTRL);
  await vm.connect();
  const KLOG = join(env.VCB_LOG_DIR, 'kamailio.log');
  const k0 = logSize(KLOG);
  const km = caller.events.length;
  const kbefore = decFiles(env.SELFTEST_CALLER_RECORD_DIR);
  const vbefore = decFiles(env.VCB_RECORD_DIR_VOICEMAIL);
  const t0 = Date.now();
  await caller.send('dial', `sip:${env.VCB_EXT_VOICEMAIL}@${env.VCB_SIP_DOMAIN}`);
  const ring = await caller.waitEvent((m) => m.type === 'CALL_RINGING', 2000, km);
  const est = await caller.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 3000, km);
  const vest = await vm.waitEvent((m) => m.type === 'CALL_ESTABLISHED', 1000);
  ok(
    ring && est && vest && est.t - t0 < 2000,
    `(o) ${env.VCB_EXT_VOICEMAIL}: CALL_RINGING after ${ring ? ring.t - t0 : '-'} ms, answered after ${est ? est.t - t0 : '-'} ms (2011 CALL_ESTABLISHED: ${Boolean(vest)})`,
  );
  if (!est) {
    await caller.send('hangup');
    await caller.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, km);
    vm.close();
    return;
  }
  // 2011 hangs up by itself when its audio file ends; the caller never hangs up here.
  const closed = await caller.waitEvent((m) => m.type === 'CALL_CLOSED', maxMs + 3000, km);
  const after = closed ? closed.t - est.t : null;
  const bye = await waitLine(
    KLOG,
    new RegExp(`vcb: BYE call-id=${esc(est.id ?? '-')} from=${env.VCB_EXT_VOICEMAIL} `),
    k0,
    1000,
  );
  const vclosed = await vm.waitEvent((m) => m.type === 'CALL_CLOSED', 1000);
  ok(
    closed && after >= maxMs - 500 && after < maxMs + 1500 && bye && vclosed,
    `(o) ${env.VCB_EXT_VOICEMAIL} hung up by itself ${after ?? '-'} ms after the answer (VCB_VOICEMAIL_SECONDS=${env.VCB_VOICEMAIL_SECONDS}); caller CALL_CLOSED "${closed?.param}"; kamailio "${bye}"`,
  );
  if (!closed) {
    await caller.send('hangup');
    await caller.waitEvent((m) => m.type === 'CALL_CLOSED', 3000, km);
  }
  await sleep(300);
  // What 2011 recorded: the caller's 1 kHz tone (silent from 4.5 s to 6 s), one file per call.
  const vdec = newDec(env.VCB_RECORD_DIR_VOICEMAIL, vbefore);
  const vs = vdec.length ? rms(vdec[0]) : {};
  ok(
    vdec.length === 1 &&
      vs.rms > 0.05 &&
      Math.abs(vs.freq - 1000) < 100 &&
      Math.abs(vs.secs - maxMs / 1000) < 1.5,
    `(o) 2011 recorded the message: ${vdec.length} file(s) in VCB_RECORD_DIR_VOICEMAIL, ${vs.secs}s rms ${vs.rms} ~${vs.freq} Hz`,
  );
  // What the caller heard: speech, the beep at the end of the prompt, then silence.
  const kdec = newDec(env.SELFTEST_CALLER_RECORD_DIR, kbefore);
  const heard = kdec[0];
  const speech = heard ? rmsWindow(heard, 0.3, promptSecs - 1) : NaN;
  const beepOut = heard
    ? spawnSync('sox', [heard, '-n', 'trim', String(promptSecs - 0.4), '0.3', 'stat'], {
        encoding: 'utf8',
      }).stderr
    : '';
  const beep = Number((beepOut.match(/RMS\s+amplitude:\s+([-0-9.e]+)/) || [])[1]);
  const beepHz = Number((beepOut.match(/Rough\s+frequency:\s+([-0-9.e]+)/) || [])[1]);
  const silence = heard ? rmsWindow(heard, promptSecs + 0.3, maxMs / 1000 - promptSecs - 0.8) : NaN;
  ok(
    kdec.length === 1 &&
      speech > 0.02 &&
      beep > 0.1 &&
      Math.abs(beepHz - 1000) < 100 &&
      silence < 0.005,
    `(o) the caller heard the prompt: speech 0.3-${(promptSecs - 1).toFixed(1)} s rms ${speech}, beep at ${(promptSecs - 0.4).toFixed(1)} s rms ${beep} ~${beepHz} Hz, then rms ${silence} (prompt ${promptSecs}s)`,
  );
  console.log(`  (o) took ${Date.now() - t0} ms`);
  vm.close();
}

// ---------------------------------------------------------------- main
async function main() {
  const callee = new Ctrl('2000', env.VCB_BARESIP_CTRL);
  const caller = new Ctrl('caller', env.SELFTEST_CALLER_CTRL);
  await callee.connect();
  await caller.connect();
  const domain = env.VCB_SIP_DOMAIN;
  // SELFTEST_ONLY=beyond: only (h)-(m); =video: only (n); =voicemail: only (o); for work on
  // those (the full run is the selftest).
  if (['beyond', 'video', 'voicemail'].includes(env.SELFTEST_ONLY)) {
    if (env.SELFTEST_ONLY === 'video') await videoCheck();
    else if (env.SELFTEST_ONLY === 'voicemail') await voicemailCheck(caller);
    else await beyondChecks(callee);
    callee.close();
    caller.close();
    return;
  }

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
  await voicemailCheck(caller);
  await videoCheck();
  await janusChecks(callee);
  await beyondChecks(callee);
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
