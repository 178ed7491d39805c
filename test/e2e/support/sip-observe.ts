/**
 * The SIP side of text, context headers, transfers and remote hold, as the stack shows it: the
 * "vcb: ..." lines Kamailio logs (stack/kamailio/kamailio.cfg), the baresip consoles, and the
 * agent (extension 2009, stack/agent-uas.mjs) with its HTTP control. Every reader takes a mark
 * (`kamailio.mark()`, `agentLog().mark()`, `baresipConsole().mark()`) so that a test sees only
 * what happened after it.
 */
import type { Page } from 'playwright-core';
import { addButton, waitForEvent } from './browser.js';
import { Baresip, StackLog, baresipConsole, farEnd, kamailio, literal } from './stack.js';

/** A value logged as the inside of a JSON string (Kamailio escapes \ " CR LF TAB). */
function unescapeLogged(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}

/** `name=[...]` of a line, a JSON array of strings. */
function jsonArrayField(line: string, name: string): string[] {
  const match = new RegExp(` ${name}=(\\[.*?\\])(?= [a-z-]+=|$)`).exec(line);
  if (!match) return [];
  try {
    return JSON.parse(match[1]!) as string[];
  } catch {
    return [];
  }
}

function field(line: string, name: string): string {
  return new RegExp(` ${name}=(\\S*)`).exec(line)?.[1] ?? '';
}

async function waitLine(
  log: StackLog,
  pattern: RegExp,
  since: number,
  ms: number,
): Promise<string> {
  const [line] = await log.waitFor(pattern, ms, since);
  return line!;
}

// ---------------------------------------------------------------- context headers

/** One initial INVITE as it reached Kamailio (before any check). */
export interface InviteHeaders {
  callId: string;
  /** The dialled user part. */
  to: string;
  /** Every header line whose name starts with X- (any case), in order, as on the wire. */
  xHeaders: string[];
  /** The name of every header line, in order (a line without ':' whole). */
  names: string[];
  /** Every header line, whole, in order. */
  lines: string[];
  line: string;
}

function parseInviteHeaders(line: string): InviteHeaders {
  return {
    callId: field(line, 'call-id'),
    to: field(line, 'to'),
    xHeaders: jsonArrayField(line, 'x-headers'),
    names: jsonArrayField(line, 'names'),
    lines: jsonArrayField(line, 'lines'),
    line,
  };
}

const inviteHeadersPattern = (callId?: string): RegExp =>
  new RegExp(`vcb: INVITE-HEADERS call-id=${callId ? `${literal(callId)} ` : ''}`);

/** The INVITEs (of call `callId`, when given) that reached Kamailio after `since`. */
export function inviteHeaders(since: number, callId?: string): InviteHeaders[] {
  return kamailio.lines(inviteHeadersPattern(callId), since).map(parseInviteHeaders);
}

/** Waits for the first INVITE (of `callId`, when given) after `since`; rejects after `ms`. */
export async function waitInviteHeaders(
  since: number,
  ms = 3000,
  callId?: string,
): Promise<InviteHeaders> {
  return parseInviteHeaders(await waitLine(kamailio, inviteHeadersPattern(callId), since, ms));
}

/** "vcb: MALFORMED ..." lines after `since`: requests Kamailio dropped as broken. */
export function malformedRequests(since: number): string[] {
  return kamailio.lines(/vcb: MALFORMED /, since);
}

// ---------------------------------------------------------------- text (SIP MESSAGE)

/** An in-dialog MESSAGE relayed by Kamailio, in either direction. */
export interface DialogMessage {
  callId: string;
  from: string;
  to: string;
  contentType: string;
  bytes: number;
  /** The body exactly as sent. */
  body: string;
  line: string;
}

function parseDialogMessage(line: string): DialogMessage {
  return {
    callId: field(line, 'call-id'),
    from: field(line, 'from'),
    to: field(line, 'to'),
    contentType: field(line, 'content-type'),
    bytes: Number(field(line, 'bytes')),
    body: unescapeLogged(/ body="(.*)"$/.exec(line)?.[1] ?? ''),
    line,
  };
}

const dialogMessagePattern = (callId?: string): RegExp =>
  new RegExp(`vcb: MESSAGE call-id=${callId ? `${literal(callId)} ` : ''}`);

/** In-dialog MESSAGEs (of call `callId`, when given) after `since`. */
export function dialogMessages(since: number, callId?: string): DialogMessage[] {
  return kamailio.lines(dialogMessagePattern(callId), since).map(parseDialogMessage);
}

/** Waits for `count` in-dialog MESSAGEs after `since`; returns them; rejects after `ms`. */
export async function waitDialogMessages(
  since: number,
  ms = 3000,
  callId?: string,
  count = 1,
): Promise<DialogMessage[]> {
  return (await kamailio.waitFor(dialogMessagePattern(callId), ms, since, count)).map(
    parseDialogMessage,
  );
}

/** A final reply Kamailio saw to an in-dialog request (or to a relayed MESSAGE-FROM-EXT). */
export interface SipReply {
  method: 'MESSAGE' | 'REFER' | 'NOTIFY' | 're-INVITE';
  /** The CALL's Call-ID (for a MESSAGE-FROM-EXT too). */
  callId: string;
  code: number;
  /** "local: ..." when Kamailio made the reply itself (nothing came back). */
  reason: string;
  /** The MESSAGE's own Call-ID, for a MESSAGE-FROM-EXT. */
  messageCallId?: string;
  /** The answer's media direction, for a re-INVITE ("none" without SDP). */
  sdpDirection?: string;
  line: string;
}

const replyPattern = (method: SipReply['method'], callId?: string): RegExp =>
  new RegExp(`vcb: ${method}-REPLY call-id=${callId ? `${literal(callId)} ` : ''}`);

function parseReply(method: SipReply['method'], line: string): SipReply {
  const messageCallId = field(line, 'message-call-id');
  const sdpDirection = field(line, 'sdp-direction');
  return {
    method,
    callId: field(line, 'call-id'),
    code: Number(field(line, 'code')),
    reason: / reason=\[(.*?)\]/.exec(line)?.[1] ?? '',
    ...(messageCallId ? { messageCallId } : {}),
    ...(sdpDirection ? { sdpDirection } : {}),
    line,
  };
}

/** Final replies to `method` (of call `callId`, when given) after `since`. */
export function sipReplies(method: SipReply['method'], since: number, callId?: string): SipReply[] {
  return kamailio.lines(replyPattern(method, callId), since).map((l) => parseReply(method, l));
}

/** Waits for the first final reply to `method` after `since`; rejects after `ms`. */
export async function waitSipReply(
  method: SipReply['method'],
  since: number,
  ms = 3000,
  callId?: string,
): Promise<SipReply> {
  return parseReply(method, await waitLine(kamailio, replyPattern(method, callId), since, ms));
}

/**
 * A MESSAGE an extension sent out of dialog (baresip's "message" command) and Kamailio relayed
 * to the visitor of that extension's most recent call, or answered 404 itself (`noCall`).
 */
export interface ExtensionMessage {
  ext: string;
  /** The call it went to ('' when there was none). */
  callId: string;
  /** The visitor's Contact (its Janus handle). */
  to: string;
  messageCallId: string;
  body: string;
  noCall: boolean;
  line: string;
}

function parseExtensionMessage(line: string): ExtensionMessage {
  const noCall = line.includes(' no current call ');
  return {
    ext: field(line, 'ext'),
    callId: noCall ? '' : field(line, 'call-id'),
    to: noCall ? '' : field(line, 'to'),
    messageCallId: field(line, 'message-call-id'),
    body: noCall ? '' : unescapeLogged(/ body="(.*)"$/.exec(line)?.[1] ?? ''),
    noCall,
    line,
  };
}

/** Waits for the first MESSAGE-FROM-EXT (from `ext`, when given) after `since`; rejects after `ms`. */
export async function waitExtensionMessage(
  since: number,
  ms = 3000,
  ext?: string,
): Promise<ExtensionMessage> {
  const pattern = new RegExp(`vcb: MESSAGE-FROM-EXT ext=${ext ? `${literal(ext)} ` : ''}`);
  return parseExtensionMessage(await waitLine(kamailio, pattern, since, ms));
}

/** A text baresip showed on its console: what the person at the extension would read. */
export interface ConsoleText {
  /** The sender, e.g. sip:visitor@127.0.0.1:5060. */
  from: string;
  /** The text's first line (baresip prints the body raw; it cuts it at about 500 bytes). */
  text: string;
  line: string;
}

/**
 * Waits until the baresip behind `ext` shows a text that starts with `text`'s first line, after
 * `since` (a mark of `baresipConsole(ext)`); rejects after `ms`.
 */
export async function waitConsoleText(
  text: string,
  since: number,
  ms = 3000,
  ext: '2000' | '2008' = '2000',
): Promise<ConsoleText> {
  const first = text.split('\n')[0]!;
  const pattern = new RegExp(`^\\r?(sip:\\S+): "${literal(first)}`);
  const line = await waitLine(baresipConsole(ext), pattern, since, ms);
  const match = /^\r?(sip:\S+): "(.*?)"?$/.exec(line);
  return { from: match?.[1] ?? '', text: match?.[2] ?? '', line };
}

/**
 * Sends `text` from an extension's baresip to the visitor of its most recent call (ctrl_tcp
 * "message": an out-of-dialog MESSAGE that Kamailio relays per call). baresip takes at most
 * about 1000 bytes of command, and sends the text as text/plain.
 */
export function sendTextFromExtension(baresip: Baresip, text: string): void {
  baresip.command('message', text);
}

// ---------------------------------------------------------------- transfers, remote hold (baresip)

/**
 * Asks the extension's baresip to transfer its call (a REFER through Kamailio, any URI: give a
 * full one, a bare number bypasses Kamailio). What baresip 1.0 does with the old call
 * afterwards: transfer followed and answered (NOTIFY 200) -> CALL_CLOSED "Call transfered" but
 * NO BYE (the page must hang up the old call itself); followed and failed (NOTIFY 486) ->
 * TRANSFER_FAILED, a BYE sometimes; declined by the page (NOTIFY 603, subscription terminated)
 * -> TRANSFER_FAILED and a BYE at once.
 */
export function transferFromExtension(baresip: Baresip, uri: string): void {
  baresip.command('transfer', uri);
}

/** Puts the visitor on hold from the extension (re-INVITE with a=sendonly). */
export function holdFromExtension(baresip: Baresip): void {
  baresip.command('hold');
}

/** Takes the visitor off hold (re-INVITE with a=sendrecv). */
export function resumeFromExtension(baresip: Baresip): void {
  baresip.command('resume');
}

/** A REFER Kamailio relayed in a call. */
export interface ReferLine {
  callId: string;
  from: string;
  to: string;
  referTo: string;
  referredBy: string;
  line: string;
}

/** Waits for the first REFER (in call `callId`, when given) after `since`; rejects after `ms`. */
export async function waitRefer(since: number, ms = 3000, callId?: string): Promise<ReferLine> {
  const pattern = new RegExp(`vcb: REFER call-id=${callId ? `${literal(callId)} ` : ''}`);
  const line = await waitLine(kamailio, pattern, since, ms);
  return {
    callId: field(line, 'call-id'),
    from: field(line, 'from'),
    to: field(line, 'to'),
    referTo: / refer-to=\[(.*?)\] referred-by=/.exec(line)?.[1] ?? '',
    referredBy: / referred-by=\[(.*)\]$/.exec(line)?.[1] ?? '',
    line,
  };
}

/** A NOTIFY (a transfer's progress, as "SIP/2.0 CODE REASON") Kamailio relayed in a call. */
export interface NotifyLine {
  callId: string;
  event: string;
  subscriptionState: string;
  /** The sipfrag's status code, e.g. 200, 486, 603 (0 if none). */
  code: number;
  body: string;
  line: string;
}

/** NOTIFYs (in call `callId`, when given) after `since`. */
export function notifies(since: number, callId?: string): NotifyLine[] {
  const pattern = new RegExp(`vcb: NOTIFY call-id=${callId ? `${literal(callId)} ` : ''}`);
  return kamailio.lines(pattern, since).map((line) => {
    const body = unescapeLogged(/ body="(.*)"$/.exec(line)?.[1] ?? '');
    return {
      callId: field(line, 'call-id'),
      event: / event=\[(.*?)\]/.exec(line)?.[1] ?? '',
      subscriptionState: / subscription-state=\[(.*?)\]/.exec(line)?.[1] ?? '',
      code: Number(/^SIP\/2\.0 (\d{3})/.exec(body)?.[1] ?? 0),
      body,
      line,
    };
  });
}

/** The re-INVITEs (hold/resume, either side) Kamailio relayed in call `callId` after `since`. */
export function reinvites(
  since: number,
  callId?: string,
): { callId: string; from: string; direction: string; line: string }[] {
  const pattern = new RegExp(`vcb: re-INVITE call-id=${callId ? `${literal(callId)} ` : ''}`);
  return kamailio.lines(pattern, since).map((line) => ({
    callId: field(line, 'call-id'),
    from: field(line, 'from'),
    direction: field(line, 'sdp-direction'),
    line,
  }));
}

// ---------------------------------------------------------------- the agent (2009)

/** The agent's log (stack/agent-uas.mjs): "agent-uas: MESSAGE call-id=... -> 415" and others. */
export function agentLog(): StackLog {
  return new StackLog(farEnd.agentLog);
}

/** What the agent answers to a command: the SIP transaction's final response. */
export interface AgentResult {
  callId: string;
  /** 0: no final response within the agent's timeout (32 s; 90 s for a re-INVITE with a 100). */
  code: number;
  reason: string;
  ms: number;
  /** hold/resume: the direction offered and the one the visitor answered ("none": no SDP). */
  direction?: string;
  answerDirection?: string;
}

/** A call as the agent sees it. */
export interface AgentCall {
  callId: string;
  from: string;
  state: 'answering' | 'answered' | 'confirmed' | 'ended';
  since: number;
  ended?: number;
  endReason?: string;
  localDirection: string;
  remoteDirection: string;
  rtpSent: number;
  rtpReceived: number;
  messages: { t: number; contentType: string; body: string; code: number }[];
  /** The status code of the last NOTIFY sipfrag after a transfer (e.g. 200, 603). */
  transferResult?: number;
}

export interface AgentOptions {
  /** The call to act on (default: the agent's most recent answered call). */
  callId?: string;
  /** false: return at once ({callId, sent: true}) instead of after the final response. */
  wait?: boolean;
}

async function agentRequest<T>(path: string, body?: object): Promise<T> {
  const res = await fetch(`${farEnd.agentCtrl}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`agent /${path}: ${res.status} ${json.error ?? ''}`);
  return json;
}

/**
 * The agent (2009): answers at once, plays an 800 Hz tone, answers an in-dialog MESSAGE with
 * 415 (see `setMessageReply`), and acts in its call on command. With a page that placed its
 * call with `autoaccept_reinvites: false`, `hold`/`resume` reach the page as "updatingcall";
 * the agent's request resolves once the page answered (Kamailio gives 408 after 60 s).
 */
/** Adds the test element to `page`, calls the agent (2009) and waits for the answer. */
export async function callAgent(page: Page): Promise<void> {
  await addButton(page, { number: farEnd.extAgent });
  await page.evaluate(() => window.vcbEl.call());
  await waitForEvent(page, 'voip-connected');
}

export const agent = {
  calls: (): Promise<AgentCall[]> => agentRequest<AgentCall[]>('calls'),
  hold: (direction: 'sendonly' | 'inactive' = 'sendonly', options: AgentOptions = {}) =>
    agentRequest<AgentResult>('hold', { direction, ...options }),
  resume: (options: AgentOptions = {}) => agentRequest<AgentResult>('resume', options),
  /** An in-dialog MESSAGE to the visitor (default text/plain). */
  message: (text: string, options: AgentOptions & { contentType?: string } = {}) =>
    agentRequest<AgentResult>('message', { text, ...options }),
  /** A REFER to `uri`; the agent hangs up after a NOTIFY with 2xx, keeps the call otherwise. */
  transfer: (uri: string, options: AgentOptions = {}) =>
    agentRequest<AgentResult>('transfer', { uri, ...options }),
  hangup: (options: AgentOptions = {}) => agentRequest<AgentResult>('hangup', options),
  /**
   * The reply to the visitor's in-dialog MESSAGEs (default 415). NOTE: 404 (like 481, 410,
   * 482-485, 604) ends the dialog at Janus (RFC 5057): the page gets "hangup" code 0
   * "Terminated" without any BYE. Set it back (415) at the end of a test.
   */
  setMessageReply: (code: number) =>
    agentRequest<{ messageReply: number }>('config', { messageReply: code }),
};
