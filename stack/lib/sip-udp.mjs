// stack/lib/sip-udp.mjs - what the stack's own SIP programs share (early-media-uas.mjs, the
// "early media" extension 2003, and agent-uas.mjs, the "agent" extension 2009): the command
// line, SIP messages over UDP (parsing, responses, where they go), the offer/answer of one G.711
// audio stream, and that stream's RTP (ports, packets, pacing). Node built-ins only, so that the
// programs still start with a plain `node FILE.mjs` inside the stack's namespace.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

// ---------------------------------------------------------------- command line
// `--name value` pairs, as {name: value}.
export function cliArgs(argv = process.argv) {
  const args = {};
  for (let i = 2; i < argv.length; i += 2) {
    args[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  return args;
}

// ---------------------------------------------------------------- SIP message helpers
export const newTag = () => randomBytes(6).toString('hex');

// Header names come back lower-case, compact forms spelled out; headers holds
// [lower-case name, value, the line as on the wire] (the agent logs X- headers as they came).
export function parseSip(buf) {
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
      if (c > 0) headers.push([line.slice(0, c).trim(), line.slice(c + 1).trim(), line]);
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
    o: 'event',
    r: 'refer-to',
  };
  for (const h of headers) {
    const n = h[0].toLowerCase();
    h[0] = compact[n] || n;
  }
  const all = (n) => headers.filter((h) => h[0] === n).map((h) => h[1]);
  const one = (n) => all(n)[0];
  const isRequest = !start.startsWith('SIP/2.0');
  const [a, b, ...rest] = start.split(' ');
  const cseq = (one('cseq') || '').split(/\s+/);
  return {
    start,
    all,
    one,
    body,
    headers,
    isRequest,
    method: isRequest ? a : cseq[1],
    uri: isRequest ? b : undefined,
    code: isRequest ? 0 : Number(b),
    reason: isRequest ? '' : rest.join(' '),
    cseqNum: Number(cseq[0]),
  };
}

// Every Via value of a message, one per hop, also where a header line folds several.
export const viaValues = (msg) =>
  msg.all('via').flatMap((v) => v.split(/,(?=\s*SIP\/)/i).map((x) => x.trim()));

// Where a response goes: a Via's sent-by, honouring received/rport (RFC 3261 18.2.2 / RFC 3581).
export function viaAddress(via = '') {
  const m = via.match(/SIP\/2\.0\/UDP\s+([^;:\s]+)(?::(\d+))?/i) || [];
  const rcv = via.match(/;\s*received=([^;\s]+)/i);
  const rport = via.match(/;\s*rport=(\d+)/i);
  return { host: rcv ? rcv[1] : m[1], port: Number(rport ? rport[1] : m[2] || 5060) };
}

// A response to req, built (not sent). With `dialog`, its 101-299 responses carry the
// Record-Route set and `contact`, as a dialog-creating response must (RFC 3261 12.1.1).
export function buildResponse(
  req,
  code,
  reason,
  { toTag, body = '', contentType, extra = [], server, contact, dialog = false } = {},
) {
  let to = req.one('to');
  if (toTag && !/;\s*tag=/i.test(to)) to += `;tag=${toTag}`;
  const lines = [`SIP/2.0 ${code} ${reason}`];
  for (const v of viaValues(req)) lines.push(`Via: ${v}`);
  const dialogResponse = dialog && code > 100 && code < 300;
  if (dialogResponse) for (const rr of req.all('record-route')) lines.push(`Record-Route: ${rr}`);
  lines.push(
    `From: ${req.one('from')}`,
    `To: ${to}`,
    `Call-ID: ${req.one('call-id')}`,
    `CSeq: ${req.one('cseq')}`,
  );
  if (dialogResponse) lines.push(`Contact: ${contact}`);
  lines.push(`Server: ${server}`, ...extra);
  if (body) lines.push(`Content-Type: ${contentType || 'application/sdp'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return Buffer.from(lines.join('\r\n'));
}

// Hands each well-formed message on the socket to onRequest / onResponse; what does not parse,
// or lacks Call-ID, CSeq or Via, cannot be answered or matched and is dropped.
export function onSipMessages(sock, onRequest, onResponse = () => {}) {
  sock.on('message', (buf) => {
    let msg;
    try {
      msg = parseSip(buf);
    } catch {
      return;
    }
    if (!msg.one('call-id') || !msg.one('cseq') || !msg.one('via')) return;
    if (msg.isRequest) onRequest(msg);
    else onResponse(msg);
  });
}

// ---------------------------------------------------------------- SDP (one G.711 audio stream)
export const codecName = (pt) => (pt === 0 ? 'PCMU' : 'PCMA');

// The first of PCMU/PCMA an offer's audio line lists, and where it wants the RTP; null when the
// offer has no audio line, no IPv4 address or neither codec.
export function g711Offer(sdp) {
  const media = sdp.match(/^m=audio (\d+) RTP\/AVP ([\d ]+)/m);
  const conn = sdp.match(/^c=IN IP4 ([\d.]+)/m);
  const pts = media ? media[2].trim().split(/\s+/).map(Number) : [];
  const pt = pts.find((p) => p === 0 || p === 8);
  if (!media || !conn || pt === undefined) return null;
  return { pt, host: conn[1], port: Number(media[1]) };
}

export function g711Sdp({ origin, session, id, version, host, port, pt, direction }) {
  return [
    'v=0',
    `o=${origin} ${id} ${version} IN IP4 ${host}`,
    `s=${session}`,
    `c=IN IP4 ${host}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${codecName(pt)}/8000`,
    'a=ptime:20',
    `a=${direction}`,
    '',
  ].join('\r\n');
}

// ---------------------------------------------------------------- G.711 audio
// G.711 encoders (the classic Sun reference code), for the tone below.
const SEG_U = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const SEG_A = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
const segment = (v, table) => {
  const i = table.findIndex((end) => v <= end);
  return i < 0 ? 8 : i;
};
function ulaw(pcm16) {
  let v = pcm16 >> 2;
  let mask = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  v = Math.min(v, 8159) + 0x21;
  const seg = segment(v, SEG_U);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0xf)) ^ mask;
}
function alaw(pcm16) {
  let v = pcm16 >> 3;
  let mask = 0xd5;
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, SEG_A);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((seg < 2 ? v >> 1 : v >> seg) & 0xf)) ^ mask;
}
// One second of a steady tone at 0.3 of full scale.
function tone(encode, hz) {
  const out = Buffer.alloc(8000);
  for (let i = 0; i < 8000; i++) {
    out[i] = encode(Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * hz * i) / 8000)));
  }
  return out;
}

// What a stream plays, by payload type (0 PCMU, 8 PCMA): the raw 8 kHz G.711 files given, or,
// for a file not given, the tone of toneHz when there is one (without it, a missing file is an
// error at start-up, as it should be for the announcement).
export function g711Audio({ pcmu, pcma }, toneHz) {
  const load = (file, encode) => (file || !toneHz ? readFileSync(file) : tone(encode, toneHz));
  return { 0: load(pcmu, ulaw), 8: load(pcma, alaw) };
}

// ---------------------------------------------------------------- RTP
// Even ports (RTP's, RTCP would take the odd one above) from a "LO-HI" range on host, one per
// call; a port something else holds is skipped.
export function rtpPorts(host, range) {
  const [lo, hi] = range.split('-').map(Number);
  const used = new Set();
  return {
    bind() {
      return new Promise((resolve, reject) => {
        const next = (p) => {
          if (p > hi) return reject(new Error('no free RTP port'));
          if (used.has(p)) return next(p + 2);
          const s = dgram.createSocket('udp4');
          s.once('error', () => {
            s.close();
            next(p + 2);
          });
          s.bind(p, host, () => {
            used.add(p);
            resolve({ sock: s, port: p });
          });
        };
        next(lo);
      });
    },
    release(rtp) {
      used.delete(rtp.port);
      rtp.sock.close();
    },
  };
}

// The packets of one G.711 stream (RFC 3550; payload type 0 or 8, RFC 3551): 20 ms (160
// samples) each, cut from `data` in a loop; SSRC, first sequence number and timestamp random.
export function rtpStream(data, pt) {
  const ssrc = randomBytes(4).readUInt32BE(0);
  let seq = randomBytes(2).readUInt16BE(0);
  let ts = randomBytes(4).readUInt32BE(0);
  let off = 0;
  return {
    // The clock moves on by one packet, sent or not (on hold nothing is sent, time still runs).
    advance() {
      seq++;
      ts += 160;
    },
    // The packet for the current clock; the marker bit goes on the first one of the stream.
    packet(marker) {
      const pkt = Buffer.alloc(12 + 160);
      pkt[0] = 0x80;
      pkt[1] = (marker ? 0x80 : 0) | pt;
      pkt.writeUInt16BE(seq & 0xffff, 2);
      pkt.writeUInt32BE(ts >>> 0, 4);
      pkt.writeUInt32BE(ssrc, 8);
      for (let i = 0; i < 160; i++) {
        pkt[12 + i] = data[off];
        off = (off + 1) % data.length;
      }
      return pkt;
    },
  };
}

// Calls tick() once now and then once per 20 ms, paced by the wall clock: catch up if the event
// loop was late, never burst more than 5; what is later than that is skipped, and dropped(n) is
// told how many. check(), when given, runs first every 10 ms; true from it skips that round.
// Returns the interval timer (clearInterval ends the stream).
export function every20ms(tick, { check, dropped } = {}) {
  const t0 = Date.now();
  let ticks = 0;
  const one = () => {
    ticks++;
    tick();
  };
  const timer = setInterval(() => {
    if (check?.()) return;
    const due = Math.floor((Date.now() - t0) / 20) + 1;
    for (let n = 0; ticks < due && n < 5; n++) one();
    if (ticks < due) {
      dropped?.(due - ticks);
      ticks = due; // drop what is too late
    }
  }, 10);
  one();
  return timer;
}
