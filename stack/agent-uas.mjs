// stack/agent-uas.mjs - the "agent" extension (2009) of the vcb test/dev stack: a far end that
// answers and that the tests drive.
//
//   node agent-uas.mjs --sip 127.0.0.1:5072 --rtp-ports 42500-42599 --control 127.0.0.1:4459 \
//        [--user 2009] [--message-reply 415] [--rtp-timeout 20] [--pcmu FILE.ul --pcma FILE.al]
//
// A small SIP UAS (UDP only) that can also act inside its dialogs, which baresip 1.0 cannot do
// on command: remote hold with a chosen direction, an in-dialog MESSAGE, a REFER that it does
// not follow with a hang-up when the transfer fails. To an initial INVITE with a PCMU/PCMA
// offer it replies 100, 180 and at once 200 with an SDP answer, and streams an 800 Hz tone (or
// the raw 8 kHz G.711 files given, looped) to the address in the offer, 20 ms per packet, while
// the media direction lets it send. It answers BYE, INFO, OPTIONS, NOTIFY with 200, a
// re-INVITE with 200 and an answer for the offered direction (sendonly -> recvonly ...), and an
// in-dialog MESSAGE with --message-reply (default 415 Unsupported Media Type: an agent whose desk cannot show
// text; changeable at run time, see below). NOTE: 404 (like 481, 410, 482-485, 604) to an
// in-dialog request ENDS the dialog at Janus (RFC 5057): the page gets "hangup" code 0
// "Terminated" and no BYE comes here; the agent ends the call when its next request gets 481.
// A call whose RTP stops for --rtp-timeout s (default 20; only once some RTP came, while both
// sides are sendrecv) is hung up, as baresip's rtp_timeout does.
//
// Control: HTTP on --control (inside the stack's namespace), JSON in and out. Every request
// acts on the most recent answered call unless the body names one ("callId"). The reply comes
// once the SIP transaction has ended (final response; none within 32 s, or 90 s for a
// re-INVITE that got a 100: code 0), unless "wait": false (then {callId, sent: true} at once).
// A re-INVITE the visitor's page does not answer gets Kamailio's 408 after 60 s.
//   GET  /calls                              -> [{callId, from, state, localDirection,
//                                                remoteDirection, rtpSent, rtpReceived, ...}]
//   POST /hold     {direction?: "sendonly"|"inactive"}   re-INVITE; default sendonly
//   POST /resume   {}                                     re-INVITE with sendrecv
//   POST /message  {text, contentType?: "text/plain"}     in-dialog MESSAGE to the visitor
//   POST /transfer {uri}                                  REFER (Refer-To: <uri>); the call is
//                  hung up after a NOTIFY with a 2xx sipfrag, kept after a failed one
//   POST /hangup   {}                                     BYE
//   POST /config   {messageReply?: code}                  the reply to in-dialog MESSAGEs
// -> {callId, code, reason, ms, ...}; 409 {error} when there is no call.
// Started by stack/with-stack.sh inside the stack's namespace; stdout is its log
// (VCB_AGENT_LOG). One line per event, stable format:
//   agent-uas: INVITE call-id=<id> from=<uri> x-headers=<JSON array> -> 200 <codec> rtp <port> -> <ip:port>
//   agent-uas: ACK call-id=<id>
//   agent-uas: MESSAGE call-id=<id> from=<uri> content-type=<ct> bytes=<n> body=<JSON string> -> <code>
//   agent-uas: INFO call-id=<id> content-type=<ct> -> 200
//   agent-uas: re-INVITE call-id=<id> direction=<offered> -> 200 direction=<answered>
//   agent-uas: NOTIFY call-id=<id> event=<event> state=<subscription-state> sipfrag=<JSON string> -> 200
//   agent-uas: BYE call-id=<id> after <ms> ms, <n> RTP packets sent, <m> received -> 200
//   agent-uas: HANGUP call-id=<id> after <ms> ms, <n> RTP packets sent, <m> received (we send BYE)
//   agent-uas: SENT <METHOD> call-id=<id> <details> -> <code> <reason> after <ms> ms
//     (METHOD: re-INVITE (details: direction=<offered>, answer-direction=<dir>), MESSAGE, REFER,
//     BYE; code 0 reason "timeout" when nothing final came back)
//   agent-uas: call-id=<id>: <METHOD> got 481, the call is over
//   agent-uas: call-id=<id>: no RTP for <ms> ms -> BYE
// VCB_AGENT_TRACE=1 in with-stack.sh's environment adds every SIP message in and out, raw.
// Traffic only to the addresses found in the requests (127.0.0.1 in the stack).
import dgram from 'node:dgram';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  buildResponse,
  cliArgs,
  codecName,
  every20ms,
  g711Audio,
  g711Offer,
  g711Sdp,
  newTag as tag,
  onSipMessages,
  rtpPorts,
  rtpStream,
  viaAddress,
} from './lib/sip-udp.mjs';

const args = cliArgs();
const [sipHost, sipPort] = (args.sip || '127.0.0.1:5072').split(':');
const [ctlHost, ctlPort] = (args.control || '127.0.0.1:4459').split(':');
const user = args.user || '2009';
// The agent's sound: raw G.711 files when given, else one second of a steady 800 Hz tone (unlike
// the greeting's 440 Hz bed, the announcement's 600 Hz and the selftest caller's 1 kHz), made
// here so that the agent needs nothing generated before it starts.
const audio = g711Audio({ pcmu: args.pcmu, pcma: args.pcma }, 800);
const config = { messageReply: Number(args['message-reply'] || 415) };
// Like baresip's rtp_timeout: a call whose incoming RTP stopped for this long while the peer
// should be sending (sendrecv both ways) is hung up; a call that never received RTP (the
// selftest's fake WebRTC offers) is never timed out. 0: off.
const rtpTimeoutMs = Number(args['rtp-timeout'] ?? 20) * 1000;
const REASONS = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  603: 'Decline',
};
const T1 = 500;
const T2 = 4000;
const TIMER_B = 64 * T1; // 32 s: a transaction without a final response gives up
const log = (s) => console.log(`agent-uas: ${s}`);
const branch = () => `z9hG4bK${randomBytes(8).toString('hex')}`;
const contact = `<sip:${user}@${sipHost}:${sipPort}>`;

const sip = dgram.createSocket('udp4');
// VCB_AGENT_TRACE=1 in the stack's environment: every SIP message in and out, raw, in the log.
if (process.env.VCB_AGENT_TRACE === '1') {
  const send = sip.send.bind(sip);
  sip.send = (msg, port, host, ...rest) => {
    console.log(`agent-uas: TRACE out to ${host}:${port}\n${msg.toString()}`);
    return send(msg, port, host, ...rest);
  };
  sip.on('message', (buf, rinfo) =>
    console.log(`agent-uas: TRACE in from ${rinfo.address}:${rinfo.port}\n${buf.toString()}`),
  );
}
const calls = new Map(); // call-id -> call
const ports = rtpPorts(sipHost, args['rtp-ports'] || '42500-42599');
const serverReplies = new Map(); // branch of a request we answered -> last response (retransmits)
const clientTx = new Map(); // branch of a request we sent -> transaction

// ---------------------------------------------------------------- SIP message helpers
const topBranch = (msg) => ((msg.one('via') || '').match(/;\s*branch=([^;,\s]+)/i) || [])[1];
const uriOf = (nameAddr) => {
  const m = (nameAddr || '').match(/<([^>]*)>/);
  return (m ? m[1] : (nameAddr || '').split(';')[0]).trim();
};
const hostPortOf = (uri) => {
  const m = uri.match(/^sips?:(?:[^@]*@)?([^;:>?]+)(?::(\d+))?/i) || [];
  return { host: m[1], port: Number(m[2] || 5060) };
};

function respond(req, code, reason, { toTag, body = '', contentType, extra = [] } = {}) {
  const msg = buildResponse(req, code, reason || REASONS[code] || 'Unknown', {
    toTag,
    body,
    contentType,
    extra,
    server: 'vcb-stack agent-uas',
    contact,
    // Only an INVITE sets up a dialog here; in-dialog requests' 200s carry no Contact.
    dialog: req.method === 'INVITE',
  });
  const to2 = viaAddress(req.one('via'));
  sip.send(msg, to2.port, to2.host);
  const b = topBranch(req);
  if (b && req.method !== 'INVITE') {
    serverReplies.set(b, { msg, to: to2 });
    setTimeout(() => serverReplies.delete(b), TIMER_B).unref();
  }
  return { msg, to: to2 };
}

// ---------------------------------------------------------------- SDP + RTP
const DIRS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
const sdpDirection = (sdp) =>
  DIRS.find((d) => new RegExp(`^a=${d}\\s*$`, 'm').test(sdp)) || 'sendrecv';
const answerDirection = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};
// We send unless our own direction or the peer's says otherwise.
const canSend = (call) =>
  ['sendrecv', 'sendonly'].includes(call.localDirection) &&
  ['sendrecv', 'recvonly'].includes(call.remoteDirection);

function sdpBody(call) {
  return g711Sdp({
    origin: 'vcb-agent',
    session: 'vcb agent',
    id: call.sdpId,
    version: call.sdpVersion,
    host: sipHost,
    port: call.rtp.port,
    pt: call.pt,
    direction: call.localDirection,
  });
}

// Takes the remote address and direction from an SDP offer or answer.
function applyRemoteSdp(call, sdp) {
  const media = sdp.match(/^m=audio (\d+) RTP\/AVP ([\d ]+)/m);
  const conn = sdp.match(/^c=IN IP4 ([\d.]+)/m);
  const port = Number(media?.[1]);
  call.remoteDirection = sdpDirection(sdp);
  call.directionSince = Date.now();
  if (media && conn && port > 0 && port < 65536) {
    call.remote = { host: conn[1], port };
  } else {
    // m=audio 0 (or no usable address): the stream is off, send nothing.
    log(
      `call-id=${call.id}: remote SDP without a usable audio address (m=audio ${media?.[1]}), media off`,
    );
    call.remoteDirection = 'inactive';
  }
}

function startRtp(call) {
  const stream = rtpStream(audio[call.pt], call.pt);
  const send = () => {
    stream.advance();
    if (!canSend(call) || !call.rtp) return; // on hold: the clock runs on, nothing is sent
    const pkt = stream.packet(call.sent === 0);
    try {
      call.rtp.sock.send(pkt, call.remote.port, call.remote.host);
      call.sent++;
    } catch (e) {
      if (!call.sendError) log(`call-id=${call.id}: RTP send failed: ${e.message}`);
      call.sendError = true;
    }
  };
  const rtpTimedOut = () => {
    if (
      rtpTimeoutMs &&
      call.lastRtp &&
      call.localDirection === 'sendrecv' &&
      call.remoteDirection === 'sendrecv' &&
      Date.now() - Math.max(call.lastRtp, call.directionSince || 0) > rtpTimeoutMs
    ) {
      log(`call-id=${call.id}: no RTP for ${rtpTimeoutMs} ms -> BYE`);
      hangup(call);
      return true;
    }
    return false;
  };
  call.timer = every20ms(send, { check: rtpTimedOut });
}

function endCall(call, why) {
  if (call.state === 'ended') return;
  call.state = 'ended';
  call.ended = Date.now();
  call.endReason = why;
  clearInterval(call.timer);
  clearTimeout(call.okRetrans);
  if (call.rtp) {
    ports.release(call.rtp);
    call.rtp = null;
  }
  // Keep ended calls visible in /calls for a while, then forget them.
  setTimeout(() => calls.delete(call.id), 5 * 60 * 1000).unref();
}

// ---------------------------------------------------------------- requests we send (UAC)
// An in-dialog request, as RFC 3261 12.2.1.1 builds it: the Record-Route set of the INVITE (in
// order: we are the UAS), Request-URI = the visitor's Contact, sent to the first route (Kamailio).
function buildInDialog(call, method, { body = '', contentType, extra = [], cseq, branchId }) {
  const lines = [
    `${method} ${call.remoteTarget} SIP/2.0`,
    `Via: SIP/2.0/UDP ${sipHost}:${sipPort};branch=${branchId};rport`,
    'Max-Forwards: 70',
  ];
  for (const r of call.routeSet) lines.push(`Route: ${r}`);
  lines.push(
    `From: ${call.localUri};tag=${call.localTag}`,
    `To: ${call.remoteUri}`,
    `Call-ID: ${call.id}`,
    `CSeq: ${cseq} ${method}`,
    `Contact: ${contact}`,
    'User-Agent: vcb-stack agent-uas',
    ...extra,
  );
  if (body) lines.push(`Content-Type: ${contentType}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return Buffer.from(lines.join('\r\n'));
}

function nextHop(call) {
  return hostPortOf(call.routeSet.length ? uriOf(call.routeSet[0]) : call.remoteTarget);
}

// Sends an in-dialog request; resolves with the final response (or {code: 0} after 32 s).
// Retransmits over UDP as RFC 3261 17.1 says: INVITE until a provisional response, others until
// a final one (intervals doubling from T1, capped at T2 for non-INVITE).
function request(call, method, opts = {}) {
  const cseq = ++call.localCseq;
  const branchId = branch();
  const msg = buildInDialog(call, method, { ...opts, cseq, branchId });
  const hop = nextHop(call);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const tx = { method, cseq, provisional: false, interval: T1 };
    const send = () => sip.send(msg, hop.port, hop.host);
    const again = () => {
      if (tx.done || (method === 'INVITE' && tx.provisional)) return;
      send();
      tx.interval = method === 'INVITE' ? tx.interval * 2 : Math.min(tx.interval * 2, T2);
      tx.retrans = setTimeout(again, tx.interval);
    };
    tx.finish = (res) => {
      if (tx.done) return;
      tx.done = true;
      clearTimeout(tx.retrans);
      clearTimeout(tx.timeout);
      setTimeout(() => clientTx.delete(branchId), TIMER_B).unref();
      resolve({ code: res?.code ?? 0, reason: res?.reason ?? 'timeout', ms: Date.now() - t0, res });
    };
    // No final response: give up after 32 s, or, once an INVITE got a provisional response,
    // after 90 s (Kamailio's own INVITE timer answers 408 after 60 s).
    tx.timeout = setTimeout(() => tx.finish(null), TIMER_B);
    tx.onProvisional = () => {
      if (method !== 'INVITE' || tx.extended) return;
      tx.extended = true;
      clearTimeout(tx.timeout);
      tx.timeout = setTimeout(() => tx.finish(null), 90000);
    };
    clientTx.set(branchId, tx);
    send();
    tx.retrans = setTimeout(again, tx.interval);
  });
}

function onResponse(res) {
  const tx = clientTx.get(topBranch(res));
  if (!tx) return;
  const call = calls.get(res.one('call-id'));
  if (res.code < 200) {
    tx.provisional = true;
    tx.onProvisional();
    return;
  }
  // The peer has no such dialog (any more): the call is over for us too.
  if (res.code === 481 && call && call.state !== 'ended') {
    log(`call-id=${call.id}: ${tx.method} got 481, the call is over`);
    endCall(call, `481 to ${tx.method}`);
  }
  // A 2xx to our re-INVITE is acknowledged end to end, and again for each retransmission.
  if (tx.method === 'INVITE' && res.code < 300 && call) {
    if (!tx.ack) {
      tx.ack = buildInDialog(call, 'ACK', { cseq: tx.cseq, branchId: branch() });
    }
    const hop = nextHop(call);
    sip.send(tx.ack, hop.port, hop.host);
  } else if (tx.method === 'INVITE' && res.code >= 300 && call) {
    // ACK for a non-2xx final response: hop by hop, same branch (RFC 3261 17.1.1.3).
    const ack = [
      `ACK ${call.remoteTarget} SIP/2.0`,
      `Via: SIP/2.0/UDP ${sipHost}:${sipPort};branch=${topBranch(res)};rport`,
      'Max-Forwards: 70',
      ...call.routeSet.map((r) => `Route: ${r}`),
      `From: ${res.one('from')}`,
      `To: ${res.one('to')}`,
      `Call-ID: ${call.id}`,
      `CSeq: ${tx.cseq} ACK`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const hop = nextHop(call);
    sip.send(ack, hop.port, hop.host);
  }
  tx.finish(res);
}

// ---------------------------------------------------------------- requests we receive (UAS)
async function onInvite(req) {
  const id = req.one('call-id');
  const existing = calls.get(id);
  const toTagged = /;\s*tag=/i.test(req.one('to') || '');
  if (existing && !toTagged) {
    // Retransmitted initial INVITE: repeat the last response.
    if (existing.lastInviteResponse)
      sip.send(
        existing.lastInviteResponse.msg,
        existing.lastInviteResponse.to.port,
        existing.lastInviteResponse.to.host,
      );
    return;
  }
  if (existing && toTagged && existing.state !== 'ended') {
    onReInvite(existing, req);
    return;
  }
  if (toTagged) {
    respond(req, 481, 'Call/Transaction Does Not Exist');
    return;
  }
  respond(req, 100, 'Trying');
  const sdp = req.body;
  const offer = g711Offer(sdp);
  const localTag = tag();
  if (!offer) {
    log(`INVITE call-id=${id} without a PCMU/PCMA audio offer -> 488`);
    respond(req, 488, 'Not Acceptable Here', { toTag: localTag });
    return;
  }
  const call = {
    id,
    state: 'answering',
    t0: Date.now(),
    from: uriOf(req.one('from')),
    localTag,
    localUri: req.one('to'),
    remoteUri: req.one('from'),
    remoteTarget: uriOf(req.one('contact')),
    routeSet: req.all('record-route').flatMap((v) => v.split(/,(?=\s*<)/).map((x) => x.trim())),
    localCseq: Math.floor(Math.random() * 1000) + 1,
    pt: offer.pt,
    sdpId: Date.now(),
    sdpVersion: 1,
    localDirection: 'sendrecv',
    remoteDirection: 'sendrecv',
    sent: 0,
    received: 0,
    messages: [],
  };
  applyRemoteSdp(call, sdp);
  calls.set(id, call);
  try {
    call.rtp = await ports.bind();
  } catch (e) {
    log(`INVITE call-id=${id}: ${e.message} -> 503`);
    respond(req, 503, 'Service Unavailable', { toTag: localTag });
    calls.delete(id);
    return;
  }
  call.rtp.sock.on('message', () => {
    call.received++;
    call.lastRtp = Date.now();
  });
  call.lastInviteResponse = respond(req, 180, 'Ringing', { toTag: localTag });
  // Answered (and the 200 retransmitted until the ACK, RFC 3261 13.3.1.4).
  call.lastInviteResponse = respond(req, 200, 'OK', { toTag: localTag, body: sdpBody(call) });
  call.state = 'answered';
  let interval = T1;
  const again = () => {
    if (call.acked || call.state === 'ended') return;
    if (Date.now() - call.t0 > TIMER_B) {
      log(`call-id=${id}: no ACK for the 200 within ${TIMER_B} ms -> BYE`);
      hangup(call);
      return;
    }
    sip.send(
      call.lastInviteResponse.msg,
      call.lastInviteResponse.to.port,
      call.lastInviteResponse.to.host,
    );
    interval = Math.min(interval * 2, T2);
    call.okRetrans = setTimeout(again, interval);
  };
  call.okRetrans = setTimeout(again, interval);
  const xh = req.headers.filter((h) => /^x-/i.test(h[2])).map((h) => h[2]);
  log(
    `INVITE call-id=${id} from=${call.from} x-headers=${JSON.stringify(xh)} -> 200 ${codecName(call.pt)} rtp ${call.rtp.port} -> ${call.remote.host}:${call.remote.port}`,
  );
  startRtp(call);
}

function onReInvite(call, req) {
  if (call.reinvite && call.reinvite.branch === topBranch(req)) {
    // A retransmission: the same answer again.
    sip.send(call.reinvite.res.msg, call.reinvite.res.to.port, call.reinvite.res.to.host);
    return;
  }
  respond(req, 100, 'Trying');
  const offered = sdpDirection(req.body || '');
  if (req.body) applyRemoteSdp(call, req.body);
  // Our direction follows the offer, unless we hold the call ourselves.
  if (!call.holding) call.localDirection = answerDirection[offered];
  call.sdpVersion++;
  const res = respond(req, 200, 'OK', { toTag: call.localTag, body: sdpBody(call) });
  call.reinvite = { branch: topBranch(req), res };
  log(`re-INVITE call-id=${call.id} direction=${offered} -> 200 direction=${call.localDirection}`);
}

function onRequest(req) {
  const method = req.method;
  const id = req.one('call-id');
  const call = calls.get(id);
  if (method === 'INVITE') {
    onInvite(req).catch((e) => log(`error: ${e.message}`));
    return;
  }
  if (method === 'ACK') {
    if (call && !call.acked) {
      call.acked = true;
      call.state = call.state === 'answered' ? 'confirmed' : call.state;
      clearTimeout(call.okRetrans);
      log(`ACK call-id=${id}`);
      for (const wake of call.ackWaiters?.splice(0) ?? []) wake();
    }
    return;
  }
  // A retransmitted request we answered already: the same answer again.
  const cached = serverReplies.get(topBranch(req));
  if (cached) {
    sip.send(cached.msg, cached.to.port, cached.to.host);
    return;
  }
  if (method === 'OPTIONS') {
    respond(req, 200, 'OK', {
      toTag: tag(),
      extra: ['Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE, NOTIFY'],
    });
    return;
  }
  if (!call || call.state === 'ended') {
    respond(req, 481, 'Call/Transaction Does Not Exist', { toTag: tag() });
    return;
  }
  switch (method) {
    case 'CANCEL':
      // We answer at once: nothing left to cancel.
      respond(req, 200, 'OK', { toTag: call.localTag });
      return;
    case 'BYE':
      respond(req, 200, 'OK');
      log(
        `BYE call-id=${id} after ${Date.now() - call.t0} ms, ${call.sent} RTP packets sent, ${call.received} received -> 200`,
      );
      endCall(call, 'remote BYE');
      return;
    case 'INFO':
      respond(req, 200, 'OK');
      log(`INFO call-id=${id} content-type=${req.one('content-type') || '-'} -> 200`);
      return;
    case 'MESSAGE': {
      const code = config.messageReply;
      respond(req, code, REASONS[code], {
        extra: code === 415 ? ['Accept: application/sdp'] : [],
      });
      call.messages.push({
        t: Date.now(),
        contentType: req.one('content-type'),
        body: req.body,
        code,
      });
      log(
        `MESSAGE call-id=${id} from=${uriOf(req.one('from'))} content-type=${req.one('content-type') || '-'} bytes=${Buffer.byteLength(req.body)} body=${JSON.stringify(req.body)} -> ${code}`,
      );
      return;
    }
    case 'NOTIFY': {
      respond(req, 200, 'OK');
      const state = req.one('subscription-state') || '-';
      log(
        `NOTIFY call-id=${id} event=${req.one('event') || '-'} state=${state} sipfrag=${JSON.stringify(req.body.trim())} -> 200`,
      );
      const m = req.body.match(/^SIP\/2\.0 (\d{3})/);
      if (call.referring && m && Number(m[1]) >= 200) {
        call.referring = false;
        call.transferResult = Number(m[1]);
        // A blind transfer that worked: the agent leaves the call, as a PBX does.
        if (Number(m[1]) < 300) hangup(call);
      }
      return;
    }
    default:
      respond(req, 405, 'Method Not Allowed', {
        extra: ['Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE, NOTIFY'],
      });
  }
}

// ---------------------------------------------------------------- commands
async function hangup(call) {
  if (call.state === 'ended') return { code: 0, reason: 'call already ended', ms: 0 };
  const r = request(call, 'BYE');
  log(
    `HANGUP call-id=${call.id} after ${Date.now() - call.t0} ms, ${call.sent} RTP packets sent, ${call.received} received`,
  );
  endCall(call, 'local BYE');
  const res = await r;
  log(`SENT BYE call-id=${call.id} -> ${res.code} ${res.reason} after ${res.ms} ms`);
  return res;
}

async function reinvite(call, direction, holding) {
  // No re-INVITE before the ACK of our 200: until then the caller's INVITE transaction is open
  // and it would answer 491 (RFC 3261 14.1; seen in CI: Janus's ACK came over 2 s late once).
  // At most 64*T1 (32 s), when an unacknowledged 200 is given up.
  if (!call.acked) {
    const t0 = Date.now();
    await new Promise((done) => {
      (call.ackWaiters ??= []).push(done);
      setTimeout(done, 64 * T1);
    });
    log(
      `re-INVITE call-id=${call.id} waited ${Date.now() - t0} ms for the ACK (acked=${call.acked})`,
    );
  }
  const before = { holding: call.holding, localDirection: call.localDirection };
  call.holding = holding;
  call.localDirection = direction;
  call.sdpVersion++;
  let res = await request(call, 'INVITE', { body: sdpBody(call), contentType: 'application/sdp' });
  // 491 Request Pending (the caller's own INVITE transaction still open, as right at the
  // answer): RFC 3261 14.1, the side that did not make the Call-ID tries again after 0-2 s.
  for (let tries = 1; res.code === 491 && tries < 4 && call.state !== 'ended'; tries += 1) {
    const wait = Math.floor(Math.random() * 2000);
    log(`re-INVITE call-id=${call.id} -> 491, again in ${wait} ms`);
    await new Promise((done) => setTimeout(done, wait));
    call.sdpVersion++;
    res = await request(call, 'INVITE', { body: sdpBody(call), contentType: 'application/sdp' });
  }
  let answer = 'none';
  if (res.res?.body && res.code < 300) {
    answer = sdpDirection(res.res.body);
    applyRemoteSdp(call, res.res.body);
  } else if (res.code >= 300 || res.code === 0) {
    // Refused or unanswered (a page that never answers its "updatingcall": Kamailio answers
    // 408 after 60 s and CANCELs it towards Janus): the media stays as it was.
    Object.assign(call, before);
  }
  log(
    `SENT re-INVITE call-id=${call.id} direction=${direction} answer-direction=${answer} -> ${res.code} ${res.reason} after ${res.ms} ms`,
  );
  return { code: res.code, reason: res.reason, ms: res.ms, direction, answerDirection: answer };
}

const commands = {
  hold: (call, b) => reinvite(call, b.direction || 'sendonly', true),
  resume: (call) => reinvite(call, 'sendrecv', false),
  hangup: (call) => hangup(call).then(({ code, reason, ms }) => ({ code, reason, ms })),
  async message(call, b) {
    const text = String(b.text ?? '');
    const contentType = b.contentType || 'text/plain';
    const res = await request(call, 'MESSAGE', { body: text, contentType });
    log(
      `SENT MESSAGE call-id=${call.id} content-type=${contentType} bytes=${Buffer.byteLength(text)} body=${JSON.stringify(text)} -> ${res.code} ${res.reason} after ${res.ms} ms`,
    );
    return { code: res.code, reason: res.reason, ms: res.ms };
  },
  async transfer(call, b) {
    if (!b.uri) return { code: 0, reason: 'uri missing', ms: 0 };
    call.referring = true;
    const res = await request(call, 'REFER', {
      extra: [`Refer-To: <${b.uri}>`, `Referred-By: <sip:${user}@${sipHost}:${sipPort}>`],
    });
    log(
      `SENT REFER call-id=${call.id} refer-to=${b.uri} -> ${res.code} ${res.reason} after ${res.ms} ms`,
    );
    return { code: res.code, reason: res.reason, ms: res.ms };
  },
};

function callInfo(c) {
  return {
    callId: c.id,
    from: c.from,
    state: c.state,
    since: c.t0,
    ended: c.ended,
    endReason: c.endReason,
    localDirection: c.localDirection,
    remoteDirection: c.remoteDirection,
    rtpSent: c.sent,
    rtpReceived: c.received,
    messages: c.messages,
    transferResult: c.transferResult,
  };
}

const control = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', async () => {
    const reply = (status, obj) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    try {
      const body = raw ? JSON.parse(raw) : {};
      const path = (req.url || '/').split('?')[0].replace(/^\/+/, '');
      if (req.method === 'GET' && path === 'calls')
        return reply(200, [...calls.values()].map(callInfo));
      if (req.method === 'POST' && path === 'config') {
        if (body.messageReply !== undefined) config.messageReply = Number(body.messageReply);
        log(`config message-reply=${config.messageReply}`);
        return reply(200, config);
      }
      const cmd = req.method === 'POST' && commands[path];
      if (!cmd) return reply(404, { error: `unknown: ${req.method} /${path}` });
      const live = [...calls.values()].filter(
        (c) => c.state !== 'ended' && c.state !== 'answering',
      );
      const call = body.callId ? calls.get(body.callId) : live[live.length - 1];
      if (!call || call.state === 'ended') return reply(409, { error: 'no such call in progress' });
      const p = cmd(call, body).then((r) => ({ callId: call.id, ...r }));
      if (body.wait === false) {
        p.catch((e) => log(`error: ${e.message}`));
        return reply(202, { callId: call.id, sent: true });
      }
      return reply(200, await p);
    } catch (e) {
      return reply(400, { error: String(e?.message || e) });
    }
  });
});

onSipMessages(sip, onRequest, onResponse);
sip.bind(Number(sipPort), sipHost, () => {
  control.listen(Number(ctlPort), ctlHost, () =>
    log(`listening on udp ${sipHost}:${sipPort}, control http://${ctlHost}:${ctlPort}`),
  );
});

const stop = () => {
  for (const c of calls.values()) endCall(c, 'stopped');
  sip.close();
  control.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A test helper that dies takes every later test's far end with it: log and go on.
process.on('uncaughtException', (e) => log(`error (kept running): ${e.stack || e}`));
