/**
 * The running local stack, as stack/with-stack.sh describes it in VCB_* variables, plus the
 * probes the tests use to see its side of a call: baresip's control socket (events such as
 * CALL_INCOMING and CALL_CLOSED, commands such as hangup), Janus's admin API, and recordings.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { wavComplete } from './wav.js';

function need(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the end-to-end tests through stack/with-stack.sh`);
  return value;
}

export const stack = {
  janusWs: need('VCB_JANUS_WS'),
  janusHttp: need('VCB_JANUS_HTTP'),
  janusAdminHttp: need('VCB_JANUS_ADMIN_HTTP'),
  janusAdminSecret: need('VCB_JANUS_ADMIN_SECRET'),
  sipDomain: need('VCB_SIP_DOMAIN'),
  extAnswer: need('VCB_EXT_ANSWER'),
  extBusy: need('VCB_EXT_BUSY'),
  extUnknown: need('VCB_EXT_UNKNOWN'),
  baresipCtrl: need('VCB_BARESIP_CTRL'),
  /** The control socket of the baresip behind the ringing extension (2002). */
  baresipRingingCtrl: need('VCB_BARESIP_RINGING_CTRL'),
  recordDir: need('VCB_RECORD_DIR'),
  logDir: need('VCB_LOG_DIR'),
  extRinging: need('VCB_EXT_RINGING'),
  extEarly: need('VCB_EXT_EARLY'),
  extDeclined: need('VCB_EXT_DECLINED'),
  extUnavailable: need('VCB_EXT_UNAVAILABLE'),
  extServiceUnavailable: need('VCB_EXT_SERVICE_UNAVAILABLE'),
  extTimeout: need('VCB_EXT_TIMEOUT'),
  janus2Ws: need('VCB_JANUS2_WS'),
  janus2AdminHttp: need('VCB_JANUS2_ADMIN_HTTP'),
  reclaimSeconds: Number(need('VCB_RECLAIM_SECONDS')),
  service: need('VCB_SERVICE'),
  netns: process.env.VCB_NETNS ?? '',
  impair: process.env.VCB_IMPAIR ?? '',
  /** The early-media responder's (2003) log: one line per INVITE and CANCEL. */
  earlyLog: need('VCB_EARLY_LOG'),
  /** The gateway pool: HAProxy in front of janus and janus2. */
  poolWs: need('VCB_POOL_WS'),
  /** The PBX pool's extension: Kamailio's dispatcher over the nodes pbx-a and pbx-b. */
  extPool: need('VCB_EXT_POOL'),
  pbxCtrl: { 'pbx-a': need('VCB_PBX_A_CTRL'), 'pbx-b': need('VCB_PBX_B_CTRL') },
  /** The wideband line (Opus only, plays a 6 kHz tone) and its recordings (48 kHz). */
  extWideband: need('VCB_EXT_WIDEBAND'),
  recordDirWideband: need('VCB_RECORD_DIR_WIDEBAND'),
  /** The G.722 line (G.722 only, the same tone at 16 kHz). */
  extG722: need('VCB_EXT_G722'),
};

/** A baresip control-socket message (ctrl_tcp speaks JSON in netstrings). */
export interface BaresipMessage {
  event?: boolean;
  type?: string;
  param?: string;
  response?: boolean;
  ok?: boolean;
  data?: string;
  [key: string]: unknown;
}

/** A connection to the answering baresip's ctrl_tcp socket. */
export class Baresip {
  readonly messages: BaresipMessage[] = [];
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
  }

  static open(address = stack.baresipCtrl): Promise<Baresip> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => resolve(new Baresip(socket)));
      socket.once('error', reject);
    });
  }

  /** Events seen so far (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, ...). */
  events(since = 0): BaresipMessage[] {
    return this.messages.slice(since).filter((m) => m.event);
  }

  /** A mark to pass as `since`, so a test only looks at what happens after it. */
  mark(): number {
    return this.messages.length;
  }

  /** Waits for an event of `type` after `since` (of call `id`, when given); rejects after `ms`. */
  async waitFor(type: string, ms: number, since = 0, id?: string): Promise<BaresipMessage> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.events(since).find(
        (m) => m.type === type && (id === undefined || m['id'] === id),
      );
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0)
        throw new Error(
          `baresip: no ${type} within ${ms} ms (saw ${
            this.events(since)
              .map((m) => m.type)
              .join(', ') || 'nothing'
          })`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a command such as `hangup`. */
  command(command: string, params?: string): void {
    const body = JSON.stringify({
      command,
      ...(params ? { params } : {}),
      token: String(Date.now()),
    });
    this.socket.write(`${Buffer.byteLength(body)}:${body},`);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length + 1) return;
      const body = this.buffer.subarray(colon + 1, colon + 1 + length).toString();
      this.buffer = this.buffer.subarray(colon + 1 + length + 1);
      try {
        this.messages.push(JSON.parse(body) as BaresipMessage);
      } catch {
        // not JSON: ignore
      }
      for (const wake of this.waiters.splice(0)) wake();
    }
  }
}

/** One request to a Janus admin API (`url`: the admin endpoint, or a session under it). */
async function janusAdmin<T>(url: string, request: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      janus: request,
      transaction: `t${Date.now()}`,
      admin_secret: stack.janusAdminSecret,
    }),
  });
  const body = (await res.json()) as T & { janus: string };
  if (body.janus !== 'success') throw new Error(`${request}: ${JSON.stringify(body)}`);
  return body;
}

/** The Janus sessions alive right now (admin API `list_sessions`), of `admin` (default: janus). */
export async function janusSessions(admin = stack.janusAdminHttp): Promise<number[]> {
  const body = await janusAdmin<{ sessions?: number[] }>(admin, 'list_sessions');
  return body.sessions ?? [];
}

/** The plugin handles of a Janus session (admin API `list_handles`). */
export async function janusHandles(
  session: number,
  admin = stack.janusAdminHttp,
): Promise<number[]> {
  const body = await janusAdmin<{ handles?: number[] }>(`${admin}/${session}`, 'list_handles');
  return body.handles ?? [];
}

/** The plugin a Janus handle is attached to (admin API `handle_info`): `janus.plugin.sip` ... */
export async function janusHandlePlugin(
  session: number,
  handle: number,
  admin = stack.janusAdminHttp,
): Promise<string> {
  const body = await janusAdmin<{ info?: { plugin?: string } }>(
    `${admin}/${session}/${handle}`,
    'handle_info',
  );
  return body.info?.plugin ?? '';
}

/** Waits until Janus (`admin`, default: janus) has no session left; returns how long it took. */
export async function untilNoJanusSessions(
  ms = 3000,
  admin = stack.janusAdminHttp,
): Promise<number> {
  const start = Date.now();
  for (;;) {
    const sessions = await janusSessions(admin);
    if (sessions.length === 0) return Date.now() - start;
    if (Date.now() - start > ms)
      throw new Error(`Janus still has sessions after ${ms} ms: ${sessions.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The newest recording a baresip made of what it received, after `sinceMs` (epoch ms), in `dir`
 * (default: extension 2000's).
 */
export function newestRecording(sinceMs: number, dir = stack.recordDir): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('-dec.wav'))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= sinceMs)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0];
}

/**
 * The newest recording after `sinceMs` (epoch ms), once baresip has closed it (it writes the
 * WAV's data size then, after the call ended); rejects after `ms`.
 */
export async function finishedRecording(
  sinceMs: number,
  ms = 5000,
  dir = stack.recordDir,
): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const file = newestRecording(sinceMs, dir);
    if (file && wavComplete(file)) return file;
    if (Date.now() > end)
      throw new Error(file ? `${file} still open after ${ms} ms` : `no recording after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `text` as a regular expression that matches it literally. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A log file of the stack, read from a mark: `mark()` at the start of a test, then `lines()`
 * and `waitFor()` see only what was written after it, never what earlier tests left.
 */
export class StackLog {
  constructor(readonly file: string) {}

  /** The log's current end (a byte offset), to pass as `since`. */
  mark(): number {
    return statSync(this.file).size;
  }

  /** Lines written after `since` that match `pattern`. */
  lines(pattern: RegExp, since: number): string[] {
    return readFileSync(this.file)
      .subarray(since)
      .toString('utf8')
      .split('\n')
      .filter((line) => pattern.test(line));
  }

  /** Waits until `count` lines after `since` match `pattern`; returns them; rejects after `ms`. */
  async waitFor(pattern: RegExp, ms: number, since: number, count = 1): Promise<string[]> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.lines(pattern, since);
      if (found.length >= count) return found;
      if (Date.now() > end)
        throw new Error(
          `${path.basename(this.file)}: ${found.length} of ${count} lines matching ${String(pattern)} within ${ms} ms`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Kamailio's log. The stack logs one "vcb: INVITE call-id=... to '2000' from=... display-name=[...]"
 * line per initial INVITE, and "vcb: CANCEL", "vcb: re-INVITE ... sdp-direction=..." and
 * "vcb: INFO call-id=..." lines (stack/kamailio/kamailio.cfg).
 */
export const kamailio = new StackLog(path.join(stack.logDir, 'kamailio.log'));

/** The early-media responder's log: "early-uas: CANCEL call-id=ID after N ms, ... -> 487". */
export const earlyUas = new StackLog(stack.earlyLog);

/** Drops a share of the media packets inside the stack's namespace (nftables), or stops it. */
export function impairMedia(lossPct: number | 'off'): void {
  if (!stack.impair || !stack.netns) throw new Error('packet loss needs the netns stack');
  const args = lossPct === 'off' ? ['off'] : ['on', 'loss', `${lossPct}%`, '--scope', 'webrtc'];
  execFileSync('bash', [stack.impair, stack.netns, ...args], { stdio: 'inherit' });
}

/**
 * Stops (TERM, then KILL after 3 s), kills (KILL) or starts again one restartable service of
 * the stack: a Janus, or a node of the PBX pool.
 */
export function stackService(
  name: 'janus' | 'janus2' | 'pbx-a' | 'pbx-b',
  action: 'stop' | 'kill' | 'start',
): void {
  execFileSync('bash', [stack.service, name, action], { stdio: 'inherit' });
}

/** Whether a restartable service of the stack is running (stack/service.sh NAME pid). */
export function serviceRunning(name: 'janus' | 'janus2' | 'pbx-a' | 'pbx-b'): boolean {
  return execFileSync('bash', [stack.service, name, 'pid']).toString().trim() !== '';
}

/**
 * Breaks the signalling path to Janus's WebSocket port: resets the open connections and drops
 * every new packet to it, until `restoreNetwork()`.
 */
export function dropTcp(port: number): void {
  if (!stack.impair || !stack.netns) throw new Error('dropping TCP needs the netns stack');
  execFileSync('bash', [stack.impair, stack.netns, 'drop-tcp', String(port)], { stdio: 'inherit' });
}

/** Removes every impairment (media loss, TCP drop) from the stack's namespace. */
export function restoreNetwork(): void {
  impairMedia('off');
}

/**
 * What the stack adds for text, context headers, transfers and remote hold: extension 2008 (a
 * second answering baresip, the transfer target), extension 2009 (the "agent", stack/agent-uas.mjs,
 * driven over HTTP) and the baresip consoles. Read when used (getters), so that importing this
 * module never depends on them. See stack/with-stack.sh, "Observables for tests".
 */
export const farEnd = {
  /** The transfer target's extension (2008): answers like 2000, records into its own dir. */
  get extTransfer(): string {
    return need('VCB_EXT_TRANSFER');
  },
  /** ctrl_tcp of the baresip behind 2008. */
  get baresipTransferCtrl(): string {
    return need('VCB_BARESIP_TRANSFER_CTRL');
  },
  /** 2008's recordings (dump-*-dec.wav). */
  get recordDirTransfer(): string {
    return need('VCB_RECORD_DIR_TRANSFER');
  },
  /** The agent's extension (2009). */
  get extAgent(): string {
    return need('VCB_EXT_AGENT');
  },
  /** The agent's HTTP control, e.g. http://127.0.0.1:4459. */
  get agentCtrl(): string {
    return need('VCB_AGENT_CTRL');
  },
  /** The agent's log: one "agent-uas: ..." line per SIP event. */
  get agentLog(): string {
    return need('VCB_AGENT_LOG');
  },
  /** The URI every baresip's contacts file holds, where its "message" command sends text. */
  get visitorContact(): string {
    return need('VCB_VISITOR_CONTACT');
  },
};

/**
 * The console (cons module) output of the baresip behind `ext` (2000 or 2008), as the stack logs
 * it: where baresip shows a received MESSAGE, `\rsip:visitor@127.0.0.1:5060: "TEXT"`.
 */
export function baresipConsole(ext: '2000' | '2008' = '2000'): StackLog {
  return new StackLog(
    need(ext === '2008' ? 'VCB_BARESIP_TRANSFER_CONSOLE_LOG' : 'VCB_BARESIP_CONSOLE_LOG'),
  );
}

/**
 * The video line: extension 2010, a baresip that answers like 2000 (the greeting as audio) with
 * VP8 video from a fake camera (640x480, 15 fps) and decodes the video it receives. Read when used
 * (getters), so that importing this module never depends on it. See stack/with-stack.sh,
 * "Observables for tests" (Video).
 */
export const videoLine = {
  /** The video extension (2010). */
  get ext(): string {
    return need('VCB_EXT_VIDEO');
  },
  /** ctrl_tcp of the baresip behind 2010 (one client at a time, like 2000's). */
  get baresipCtrl(): string {
    return need('VCB_BARESIP_VIDEO_CTRL');
  },
  /** 2010's recordings of the audio it received (dump-*-dec.wav; no video is recorded). */
  get recordDir(): string {
    return need('VCB_RECORD_DIR_VIDEO');
  },
  /** 2010's baresip log file. */
  get logFile(): string {
    return need('VCB_BARESIP_VIDEO_LOG');
  },
};

/**
 * The log of the baresip behind 2010, read from a mark (`mark()`, then `lines()` / `waitFor()`).
 * Per call it shows "Set video decoder: VP8 " and, once the first received frame is decoded,
 * `VIDEO_RECEIVING`'s line.
 */
export function baresipVideoLog(): StackLog {
  return new StackLog(videoLine.logFile);
}

/**
 * 2010's log line once it has decoded the first frame it received, with the frame size:
 * "video: receiving with resolution 640 x 480 and format 'yuv420p'" (printed once per call).
 */
export const VIDEO_RECEIVING =
  /video: receiving with resolution (\d+) x (\d+) and format '([^']*)'/;

/** A baresip's video figures in a call, from its ctrl_tcp `video_debug` answer. */
export interface BaresipVideoStats {
  /** The decoder of what it receives ("VP8"; "none" before video arrived). */
  decoder: string;
  /** The size and count of the frames it decoded (and handed to its display). */
  width: number;
  height: number;
  framesDecoded: number;
  /** The encoder of what it sends ("VP8"; "none" when it sends none) and the frames sent. */
  encoder: string;
  framesSent: number;
  /** The whole answer, for a failure message. */
  text: string;
}

/**
 * Asks a baresip (`b`, e.g. `Baresip.open(videoLine.baresipCtrl)`) for its current call's video
 * figures: baresip 1.0 writes them to no log, only into ctrl_tcp's answer to `video_debug`
 * (" rx: decode: VP8 yuv420p\n     vidisp: fakevideo 640 x 480 frames=33"). Rejects without a
 * call or without an answer within `ms`.
 */
export async function baresipVideoStats(b: Baresip, ms = 2000): Promise<BaresipVideoStats> {
  const since = b.mark();
  b.command('video_debug');
  const end = Date.now() + ms;
  for (;;) {
    const answer = b.messages.slice(since).find((m) => m.response);
    if (answer) {
      const text = answer.data ?? '';
      if (!answer.ok || !text.includes('--- Video stream ---'))
        throw new Error(`baresip video_debug: ${JSON.stringify(answer)}`);
      const rx = /rx: decode: (\S+).*\n\s+vidisp: \S+ (\d+) x (\d+) frames=(\d+)/.exec(text);
      const tx = /tx: encode: (\S+).*\n\s+source: \S+ \d+ x \d+, fps=[\d.]+ frames=(\d+)/.exec(
        text,
      );
      return {
        decoder: rx?.[1] ?? 'none',
        width: Number(rx?.[2] ?? 0),
        height: Number(rx?.[3] ?? 0),
        framesDecoded: Number(rx?.[4] ?? 0),
        encoder: tx?.[1] ?? 'none',
        framesSent: Number(tx?.[2] ?? 0),
        text,
      };
    }
    if (Date.now() > end) throw new Error(`baresip: no answer to video_debug within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The voicemail extension (2011): a baresip that answers like 2000 (Kamailio's 180, then its 200
 * at once), plays a prompt ("Please leave a message after the tone.", then a 1 kHz beep:
 * `voicemail.promptWav`) followed by digital silence, records what it receives, and hangs up (BYE)
 * `voicemail.seconds` after it answered. Measure a recording with wavRms() / wavWindows() from
 * ./wav.js. See stack/with-stack.sh, "Observables for tests" (Voicemail).
 */
export const EXT_VOICEMAIL = need('VCB_EXT_VOICEMAIL');

/** The rest of the voicemail box, read when used (getters). */
export const voicemail = {
  /** The voicemail extension (2011), the same as EXT_VOICEMAIL. */
  get ext(): string {
    return need('VCB_EXT_VOICEMAIL');
  },
  /** ctrl_tcp of the baresip behind 2011 (one client at a time, like 2000's). */
  get baresipCtrl(): string {
    return need('VCB_BARESIP_VOICEMAIL_CTRL');
  },
  /** 2011's recordings, one per call (dump-*-dec.wav, 8 kHz mono s16): the messages. */
  get recordDir(): string {
    return need('VCB_RECORD_DIR_VOICEMAIL');
  },
  /** How long after its answer 2011 hangs up (the prompt included), in seconds. */
  get seconds(): number {
    return Number(need('VCB_VOICEMAIL_SECONDS'));
  },
  /** What 2011 plays before the silence: the spoken prompt and the beep (8 kHz mono s16). */
  get promptWav(): string {
    return need('VCB_VOICEMAIL_PROMPT_WAV');
  },
};

/**
 * The paths of 2011's recordings (dump-*-dec.wav in VCB_RECORD_DIR_VOICEMAIL), oldest first. A
 * recording is complete (wavComplete()) once its call is over.
 */
export async function voicemailRecordings(): Promise<string[]> {
  const dir = voicemail.recordDir;
  const names = (await readdir(dir)).filter((f) => /^dump-.*-dec\.wav$/.test(f));
  const files = await Promise.all(
    names.map(async (f) => {
      const file = path.join(dir, f);
      return { file, mtimeMs: (await stat(file)).mtimeMs };
    }),
  );
  return files
    .sort((a, b) => a.mtimeMs - b.mtimeMs || a.file.localeCompare(b.file))
    .map((f) => f.file);
}
