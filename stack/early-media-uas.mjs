// stack/early-media-uas.mjs - the "early media" extension (2003) of the vcb test/dev stack.
//
//   node early-media-uas.mjs --sip 127.0.0.1:5064 --rtp-ports 42300-42399 \
//        --pcmu ANNOUNCEMENT.ul --pcma ANNOUNCEMENT.al [--max-seconds 120]
//
// A deliberately tiny SIP UAS (UDP only) that never answers: to an initial INVITE it replies
// 100 Trying and then "183 Session Progress" WITH an SDP answer (PCMU or PCMA, whatever the
// offer lists first), and streams the announcement (raw 8 kHz G.711 files, looped) as RTP to
// the address in the offer, 20 ms per packet. It keeps doing so until the caller CANCELs
// (-> 200 to the CANCEL, 487 to the INVITE) or --max-seconds pass (-> 480). It never sends
// 200 to the INVITE. (baresip 1.0's answermode=early sends a 183 with SDP but no RTP, hence
// this program.) Started by stack/with-stack.sh inside the stack's namespace; stdout is its
// log (VCB_LOG_DIR/early-2003.log). One line per event, stable format:
//   early-uas: INVITE call-id=<id> from=<uri> -> 183 <codec> rtp <local port> -> <ip:port>
//   early-uas: CANCEL call-id=<id> after <ms> ms, <n> RTP packets sent, <m> received -> 487
//   early-uas: TIMEOUT call-id=<id> after <ms> ms, <n> RTP packets sent -> 480
//   early-uas: ACK call-id=<id>
// Traffic only to the addresses found in the requests (127.0.0.1 in the stack).
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const [sipHost, sipPort] = (args.sip || '127.0.0.1:5064').split(':');
const [rtpLo, rtpHi] = (args['rtp-ports'] || '42300-42399').split('-').map(Number);
const maxMs = Number(args['max-seconds'] || 120) * 1000;
const audio = { 0: readFileSync(args.pcmu), 8: readFileSync(args.pcma) };
const log = (s) => console.log(`early-uas: ${s}`);

const sip = dgram.createSocket('udp4');
const calls = new Map(); // call-id -> call
const usedPorts = new Set();

// ---------------------------------------------------------------- SIP message helpers
function parse(buf) {
  const text = buf.toString('utf8');
  const sep = text.indexOf('\r\n\r\n');
  const head = (sep < 0 ? text : text.slice(0, sep)).split('\r\n');
  const body = sep < 0 ? '' : text.slice(sep + 4);
  const start = head.shift();
  const headers = [];
  for (const line of head) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += ` ${line.trim()}`;
    else {
      const c = line.indexOf(':');
      if (c > 0) headers.push([line.slice(0, c).trim(), line.slice(c + 1).trim()]);
    }
  }
  const compact = {
    v: 'via',
    f: 'from',
    t: 'to',
    i: 'call-id',
    m: 'contact',
    l: 'content-length',
    c: 'content-type',
  };
  for (const h of headers) {
    const n = h[0].toLowerCase();
    h[0] = compact[n] || n;
  }
  const all = (n) => headers.filter((h) => h[0] === n).map((h) => h[1]);
  const one = (n) => all(n)[0];
  return { start, all, one, body, isRequest: !start.startsWith('SIP/2.0') };
}

function respond(req, code, reason, { toTag, body = '', extra = [] } = {}) {
  let to = req.one('to');
  if (toTag && !/;\s*tag=/i.test(to)) to += `;tag=${toTag}`;
  const vias = req.all('via').flatMap((v) => v.split(/,(?=\s*SIP\/)/i).map((x) => x.trim()));
  const lines = [`SIP/2.0 ${code} ${reason}`];
  for (const v of vias) lines.push(`Via: ${v}`);
  if (code > 100 && code < 300)
    for (const rr of req.all('record-route')) lines.push(`Record-Route: ${rr}`);
  lines.push(
    `From: ${req.one('from')}`,
    `To: ${to}`,
    `Call-ID: ${req.one('call-id')}`,
    `CSeq: ${req.one('cseq')}`,
  );
  if (code > 100 && code < 300) lines.push(`Contact: <sip:2003@${sipHost}:${sipPort}>`);
  lines.push('Server: vcb-stack early-media-uas', ...extra);
  if (body) lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  const msg = Buffer.from(lines.join('\r\n'));
  // Reply to the top Via's sent-by, honouring received/rport (RFC 3261 18.2.2 / RFC 3581).
  const top = vias[0] || '';
  const m = top.match(/SIP\/2\.0\/UDP\s+([^;:\s]+)(?::(\d+))?/i) || [];
  const rcv = top.match(/;\s*received=([^;\s]+)/i);
  const rport = top.match(/;\s*rport=(\d+)/i);
  const host = rcv ? rcv[1] : m[1];
  const port = Number(rport ? rport[1] : m[2] || 5060);
  sip.send(msg, port, host);
  return msg;
}

// ---------------------------------------------------------------- RTP
function bindRtp() {
  return new Promise((resolve, reject) => {
    const next = (p) => {
      if (p > rtpHi) return reject(new Error('no free RTP port'));
      if (usedPorts.has(p)) return next(p + 2);
      const s = dgram.createSocket('udp4');
      s.once('error', () => {
        s.close();
        next(p + 2);
      });
      s.bind(p, sipHost, () => {
        usedPorts.add(p);
        resolve({ sock: s, port: p });
      });
    };
    next(rtpLo);
  });
}

function startRtp(call) {
  const data = audio[call.pt];
  const ssrc = randomBytes(4).readUInt32BE(0);
  let seq = randomBytes(2).readUInt16BE(0);
  let ts = randomBytes(4).readUInt32BE(0);
  let off = 0;
  const t0 = Date.now();
  const sendOne = () => {
    const pkt = Buffer.alloc(12 + 160);
    pkt[0] = 0x80;
    pkt[1] = (call.sent === 0 ? 0x80 : 0) | call.pt;
    pkt.writeUInt16BE(seq & 0xffff, 2);
    pkt.writeUInt32BE(ts >>> 0, 4);
    pkt.writeUInt32BE(ssrc, 8);
    for (let i = 0; i < 160; i++) {
      pkt[12 + i] = data[off];
      off = (off + 1) % data.length;
    }
    call.rtp.sock.send(pkt, call.remote.port, call.remote.host);
    seq++;
    ts += 160;
    call.sent++;
  };
  // Paced by the wall clock: catch up if the event loop was late, never burst more than 5.
  call.timer = setInterval(() => {
    const due = Math.floor((Date.now() - t0) / 20) + 1;
    for (let n = 0; call.sent < due && n < 5; n++) sendOne();
    if (call.sent < due) call.sent = due; // drop what is too late
  }, 10);
  sendOne();
}

function endCall(call) {
  clearInterval(call.timer);
  clearTimeout(call.maxTimer);
  if (call.rtp) {
    usedPorts.delete(call.rtp.port);
    call.rtp.sock.close();
    call.rtp = null;
  }
}

// Final (error) response to the INVITE, retransmitted until ACK (timer G/H, RFC 3261 17.2.1).
function finalReply(call, code, reason) {
  call.final = respond(call.invite, code, reason, { toTag: call.tag });
  let interval = 500;
  const again = () => {
    if (call.acked || interval > 16000) return;
    sip.send(call.final, call.replyPort, call.replyHost);
    interval *= 2;
    call.retrans = setTimeout(again, interval);
  };
  const top = call.invite.one('via') || '';
  const m = top.match(/SIP\/2\.0\/UDP\s+([^;:\s]+)(?::(\d+))?/i) || [];
  const rport = top.match(/;\s*rport=(\d+)/i);
  call.replyHost = (top.match(/;\s*received=([^;\s]+)/i) || [])[1] || m[1];
  call.replyPort = Number(rport ? rport[1] : m[2] || 5060);
  call.retrans = setTimeout(again, interval);
  // Forget the call after timer H (32 s).
  setTimeout(() => {
    clearTimeout(call.retrans);
    calls.delete(call.id);
  }, 32000).unref();
}

// ---------------------------------------------------------------- request handling
async function onInvite(req) {
  const id = req.one('call-id');
  const existing = calls.get(id);
  if (existing) {
    // Retransmitted INVITE: repeat the last response.
    const last = existing.final || existing.progress;
    if (last) sip.send(last, existing.replyPort || 5060, existing.replyHost || sipHost);
    return;
  }
  if (/;\s*tag=/i.test(req.one('to') || '')) {
    respond(req, 481, 'Call/Transaction Does Not Exist');
    return;
  }
  respond(req, 100, 'Trying');
  const sdp = req.body;
  const media = sdp.match(/^m=audio (\d+) RTP\/AVP ([\d ]+)/m);
  const conn = sdp.match(/^c=IN IP4 ([\d.]+)/m);
  const pts = media ? media[2].trim().split(/\s+/).map(Number) : [];
  const pt = pts.find((p) => p === 0 || p === 8);
  if (!media || !conn || pt === undefined) {
    log(`INVITE call-id=${id} without a PCMU/PCMA audio offer -> 488`);
    respond(req, 488, 'Not Acceptable Here', { toTag: randomBytes(6).toString('hex') });
    return;
  }
  const call = {
    id,
    invite: req,
    tag: randomBytes(6).toString('hex'),
    pt,
    sent: 0,
    received: 0,
    t0: Date.now(),
    remote: { host: conn[1], port: Number(media[1]) },
  };
  calls.set(id, call);
  try {
    call.rtp = await bindRtp();
  } catch (e) {
    log(`INVITE call-id=${id}: ${e.message} -> 503`);
    finalReply(call, 503, 'Service Unavailable');
    return;
  }
  call.rtp.sock.on('message', () => call.received++);
  const codec = pt === 0 ? 'PCMU' : 'PCMA';
  const answer = [
    'v=0',
    `o=vcb-early ${call.t0} 1 IN IP4 ${sipHost}`,
    's=vcb early media',
    `c=IN IP4 ${sipHost}`,
    't=0 0',
    `m=audio ${call.rtp.port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${codec}/8000`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
  call.progress = respond(req, 183, 'Session Progress', { toTag: call.tag, body: answer });
  log(
    `INVITE call-id=${id} from=${(req.one('from') || '').replace(/;.*$/, '')} -> 183 ${codec} rtp ${call.rtp.port} -> ${call.remote.host}:${call.remote.port}`,
  );
  startRtp(call);
  call.maxTimer = setTimeout(() => {
    log(
      `TIMEOUT call-id=${id} after ${Date.now() - call.t0} ms, ${call.sent} RTP packets sent -> 480`,
    );
    endCall(call);
    finalReply(call, 480, 'Temporarily Unavailable');
  }, maxMs);
}

function onRequest(req) {
  const method = req.start.split(' ')[0];
  const id = req.one('call-id');
  const call = calls.get(id);
  switch (method) {
    case 'INVITE':
      onInvite(req).catch((e) => log(`error: ${e.message}`));
      return;
    case 'CANCEL':
      if (!call) {
        respond(req, 481, 'Call/Transaction Does Not Exist');
        return;
      }
      respond(req, 200, 'OK', { toTag: call.tag });
      if (!call.final) {
        log(
          `CANCEL call-id=${id} after ${Date.now() - call.t0} ms, ${call.sent} RTP packets sent, ${call.received} received -> 487`,
        );
        endCall(call);
        finalReply(call, 487, 'Request Terminated');
      }
      return;
    case 'ACK':
      if (call && call.final && !call.acked) {
        call.acked = true;
        clearTimeout(call.retrans);
        log(`ACK call-id=${id}`);
      }
      return;
    case 'OPTIONS':
      respond(req, 200, 'OK', {
        toTag: randomBytes(6).toString('hex'),
        extra: ['Allow: INVITE, ACK, CANCEL, OPTIONS'],
      });
      return;
    default:
      // No dialog is ever confirmed here: BYE, INFO, re-INVITE ... do not match anything.
      respond(req, 481, 'Call/Transaction Does Not Exist', {
        toTag: randomBytes(6).toString('hex'),
      });
  }
}

sip.on('message', (buf) => {
  let req;
  try {
    req = parse(buf);
  } catch {
    return;
  }
  if (req.isRequest && req.one('call-id') && req.one('cseq') && req.one('via')) onRequest(req);
});
sip.bind(Number(sipPort), sipHost, () => log(`listening on udp ${sipHost}:${sipPort}`));

const stop = () => {
  for (const c of calls.values()) endCall(c);
  sip.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
