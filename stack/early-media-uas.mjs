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
import {
  buildResponse,
  cliArgs,
  codecName,
  every20ms,
  g711Audio,
  g711Offer,
  g711Sdp,
  newTag,
  onSipMessages,
  rtpPorts,
  rtpStream,
  viaAddress,
  viaValues,
} from './lib/sip-udp.mjs';

const args = cliArgs();
const [sipHost, sipPort] = (args.sip || '127.0.0.1:5064').split(':');
const maxMs = Number(args['max-seconds'] || 120) * 1000;
const audio = g711Audio({ pcmu: args.pcmu, pcma: args.pcma });
const log = (s) => console.log(`early-uas: ${s}`);

const sip = dgram.createSocket('udp4');
const calls = new Map(); // call-id -> call
const ports = rtpPorts(sipHost, args['rtp-ports'] || '42300-42399');

// ---------------------------------------------------------------- SIP responses
function respond(req, code, reason, opts = {}) {
  // Contact (and Record-Route) on every 101-299 response, not only the INVITE's: besides the 183
  // that is the 200 to a CANCEL or an OPTIONS, where they do no harm.
  const msg = buildResponse(req, code, reason, {
    ...opts,
    server: 'vcb-stack early-media-uas',
    contact: `<sip:2003@${sipHost}:${sipPort}>`,
    dialog: true,
  });
  const to = viaAddress(viaValues(req)[0]);
  sip.send(msg, to.port, to.host);
  return msg;
}

// ---------------------------------------------------------------- RTP
function startRtp(call) {
  const stream = rtpStream(audio[call.pt], call.pt);
  call.timer = every20ms(
    () => {
      call.rtp.sock.send(stream.packet(call.sent === 0), call.remote.port, call.remote.host);
      stream.advance();
      call.sent++;
    },
    // Packets dropped for being too late count as sent: the log's count follows the clock.
    { dropped: (n) => (call.sent += n) },
  );
}

function endCall(call) {
  clearInterval(call.timer);
  clearTimeout(call.maxTimer);
  if (call.rtp) {
    ports.release(call.rtp);
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
  const to = viaAddress(call.invite.one('via'));
  call.replyHost = to.host;
  call.replyPort = to.port;
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
  const offer = g711Offer(req.body);
  if (!offer) {
    log(`INVITE call-id=${id} without a PCMU/PCMA audio offer -> 488`);
    respond(req, 488, 'Not Acceptable Here', { toTag: newTag() });
    return;
  }
  const { pt } = offer;
  const call = {
    id,
    invite: req,
    tag: newTag(),
    pt,
    sent: 0,
    received: 0,
    t0: Date.now(),
    remote: { host: offer.host, port: offer.port },
  };
  calls.set(id, call);
  try {
    call.rtp = await ports.bind();
  } catch (e) {
    log(`INVITE call-id=${id}: ${e.message} -> 503`);
    finalReply(call, 503, 'Service Unavailable');
    return;
  }
  call.rtp.sock.on('message', () => call.received++);
  const codec = codecName(pt);
  const answer = g711Sdp({
    origin: 'vcb-early',
    session: 'vcb early media',
    id: call.t0,
    version: 1,
    host: sipHost,
    port: call.rtp.port,
    pt,
    direction: 'sendrecv',
  });
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
  const method = req.method;
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
        toTag: newTag(),
        extra: ['Allow: INVITE, ACK, CANCEL, OPTIONS'],
      });
      return;
    default:
      // No dialog is ever confirmed here: BYE, INFO, re-INVITE ... do not match anything.
      respond(req, 481, 'Call/Transaction Does Not Exist', { toTag: newTag() });
  }
}

// Responses: none expected (this side never sends a request), so none handled.
onSipMessages(sip, onRequest);
sip.bind(Number(sipPort), sipHost, () => log(`listening on udp ${sipHost}:${sipPort}`));

const stop = () => {
  for (const c of calls.values()) endCall(c);
  sip.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
