/**
 * Transfers asked for by the far end (src/transfer/index.ts and Call.follow in src/call/call.ts)
 * and the far end's hold, through the element with the fake connector: what is followed, what
 * is declined, what the visitor sees, how the call ends, and that every session is released.
 */
import { expect } from '@open-wc/testing';
import '../../src/voip-call-button.js';
import type { VoipCallButton } from '../../src/voip-call-button.js';
import type { VoipEndedDetail, VoipHoldDetail, VoipTransferDetail } from '../../src/events.js';
import { transferTarget } from '../../src/transfer/index.js';
import { answeredCall, mountWithFake, until, statusText } from '../support/fake-connector.js';

async function answered(attributes: Record<string, string> = {}) {
  const { el, connector } = await mountWithFake(attributes);
  const transfers: VoipTransferDetail[] = [];
  const ended: VoipEndedDetail[] = [];
  const holds: VoipHoldDetail[] = [];
  let connected = 0;
  el.addEventListener('voip-transfer', (e) => transfers.push(e.detail));
  el.addEventListener('voip-ended', (e) => ended.push(e.detail));
  el.addEventListener('voip-hold', (e) => holds.push(e.detail));
  el.addEventListener('voip-connected', () => (connected += 1));
  await answeredCall(el, connector);
  return {
    el,
    connector,
    first: connector.last,
    transfers,
    ended,
    holds,
    connected: () => connected,
  };
}

function panelText(el: VoipCallButton): string {
  return el.shadowRoot!.querySelector('voip-call-panel')!.shadowRoot!.textContent ?? '';
}

const TARGET = 'sip:2008@127.0.0.1:5060';

/** Frequencies of the oscillators started from now on (the tones are made with them). */
function watchTones(): { frequencies: number[]; restore: () => void } {
  const frequencies: number[] = [];
  const proto = OscillatorNode.prototype;
  const { start } = proto;
  proto.start = function (this: OscillatorNode, ...args: [number?]) {
    frequencies.push(this.frequency.value);
    return start.apply(this, args);
  };
  return { frequencies, restore: () => (proto.start = start) };
}

describe('transfers asked for by the far end', () => {
  it("accepts only a dialable number at the page's SIP domain, rebuilt from its parts", () => {
    const domain = '127.0.0.1:5060';
    expect(transferTarget(TARGET, domain)).to.equal(TARGET);
    expect(transferTarget('sips:+62215550100@127.0.0.1:5060', domain)).to.equal(
      'sip:+62215550100@127.0.0.1:5060',
    );
    expect(transferTarget('sip:*97%23@127.0.0.1:5060', domain)).to.equal(
      'sip:*97%23@127.0.0.1:5060',
    );
    for (const bad of [
      'sip:2008@evil.example',
      'sip:2008@127.0.0.1',
      'sip:2008@127.0.0.1:5061',
      'sip:attacker@127.0.0.1:5060',
      'sip:2008@127.0.0.1:5060;transport=tcp',
      'sip:2008@127.0.0.1:5060?Replaces=abc',
      '<sip:2008@127.0.0.1:5060>',
      'tel:2008',
      'sip:20%0d08@127.0.0.1:5060',
      'sip:%E0%A4%A@127.0.0.1:5060',
      'sip:2008@127.0.0.1:5060 sip:2009@127.0.0.1:5060',
      '',
    ]) {
      expect(transferTarget(bad, domain), bad).to.equal(undefined);
    }
  });

  it('follows a blind transfer: "Transferring…", the target dialled with the refer id, then connected', async () => {
    const { el, connector, first, transfers, connected } = await answered();
    first.emit({ type: 'transfer', referId: 7, target: TARGET });
    await until(() => connector.sessions.length === 2 && connector.last.calledUri !== undefined);
    const second = connector.last;
    expect(second.calledUri).to.equal(TARGET);
    expect(second.callOptions).to.deep.equal({ referId: 7 });
    expect(second.callStream).to.equal(first.callStream); // the same microphone
    expect(el.state).to.equal('calling');
    await el.updateComplete;
    expect(statusText(el)).to.equal('Transferring…');
    expect(transfers).to.deep.equal([{ target: TARGET, outcome: 'following' }]);
    // The transferor hangs up once the transfer is under way: the call goes on.
    first.emit({ type: 'hangup', sipCode: 200, reason: 'BYE' });
    await until(() => first.closes === 1);
    second.emit({ type: 'ringing', sipCode: 180 });
    await until(() => el.state === 'ringing');
    second.emit({ type: 'accepted' });
    await until(() => el.state === 'in-call' && transfers.length === 2);
    expect(transfers.at(-1)).to.deep.equal({ target: TARGET, outcome: 'connected' });
    expect(connected()).to.equal(2);
    await el.updateComplete;
    expect(statusText(el)).to.equal('Connected');
    el.hangup();
    await until(() => el.state === 'idle');
    expect(second.hangups).to.equal(1);
    expect(second.closes).to.equal(1);
    expect(first.hangups).to.equal(0); // it had hung up itself
  });

  it("hangs up the transferor's call once the target answers, when the transferor did not", async () => {
    const { el, connector, first } = await answered();
    first.emit({ type: 'transfer', referId: 8, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    connector.last.emit({ type: 'accepted' });
    await until(() => first.closes === 1);
    expect(first.hangups).to.equal(1);
    expect(el.state).to.equal('in-call');
    el.hangup();
    await until(() => el.state === 'idle');
  });

  for (const target of ['sip:2008@evil.example', 'sip:attacker@127.0.0.1:5060']) {
    it(`declines ${target} (603) and keeps the call; nothing is dialled`, async () => {
      const { el, connector, first, transfers } = await answered();
      first.emit({ type: 'transfer', referId: 9, target });
      await until(() => first.declinedTransfers.length === 1);
      expect(first.declinedTransfers).to.deep.equal([9]);
      expect(transfers).to.deep.equal([{ target, outcome: 'declined' }]);
      expect(connector.sessions.length).to.equal(1);
      expect(el.state).to.equal('in-call');
      el.hangup();
      await until(() => el.state === 'idle');
    });
  }

  it('declines every transfer with transfers="off"', async () => {
    const { el, connector, first, transfers } = await answered({ transfers: 'off' });
    first.emit({ type: 'transfer', referId: 10, target: TARGET });
    await until(() => first.declinedTransfers.length === 1);
    expect(transfers).to.deep.equal([{ target: TARGET, outcome: 'declined' }]);
    expect(connector.sessions.length).to.equal(1);
    // The far end hangs up anyway (baresip 1.0 does): an ordinary remote hang-up.
    const { ended } = { ended: [] as VoipEndedDetail[] };
    el.addEventListener('voip-ended', (e) => ended.push(e.detail));
    first.emit({ type: 'hangup', sipCode: 200, reason: 'BYE' });
    await until(() => el.state === 'idle');
    expect(ended[0]?.reason).to.equal('remote-hangup');
  });

  it('a busy target after the transferor hung up ends the call "busy"', async () => {
    const { el, connector, first, transfers, ended } = await answered();
    first.emit({ type: 'transfer', referId: 11, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    const second = connector.last;
    first.emit({ type: 'hangup', sipCode: 200 });
    second.emit({ type: 'hangup', sipCode: 486, reason: 'Busy Here' });
    await until(() => el.state === 'idle');
    expect(transfers.at(-1)).to.deep.equal({ target: TARGET, outcome: 'failed' });
    expect(ended).to.have.length(1);
    expect(ended[0]).to.include({ reason: 'busy', sipCode: 486 });
    expect(first.closes).to.equal(1);
    expect(second.closes).to.equal(1);
    await el.updateComplete;
    expect(statusText(el)).to.match(/busy/i);
  });

  it('a busy target with the transferor still up: back on the call, told why; its hang-up then ends "busy"', async () => {
    const { el, connector, first, transfers, ended } = await answered();
    const tones = watchTones();
    first.emit({ type: 'transfer', referId: 12, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    const second = connector.last;
    second.emit({ type: 'hangup', sipCode: 486, reason: 'Busy Here' });
    await until(() => el.state === 'in-call' && transfers.length === 2);
    expect(transfers.at(-1)).to.deep.equal({ target: TARGET, outcome: 'failed' });
    expect(tones.frequencies, 'the busy tone (480 + 620 Hz)').to.include(620);
    tones.restore();
    expect(second.closes).to.equal(1);
    await el.updateComplete;
    expect(panelText(el)).to.contain('The transfer did not go through.');
    expect(panelText(el)).to.match(/busy/i);
    // Back on the transferor's call: its events drive the call again.
    first.emit({ type: 'hangup', sipCode: 200 });
    await until(() => el.state === 'idle');
    expect(ended[0]).to.include({ reason: 'busy', sipCode: 486 });
    expect(first.closes).to.equal(1);
  });

  it('hanging up while the target rings releases both sessions and ends "local-hangup", without a busy tone', async () => {
    const { el, connector, first, ended, transfers } = await answered();
    first.emit({ type: 'transfer', referId: 13, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    const second = connector.last;
    second.emit({ type: 'ringing', sipCode: 180 });
    await until(() => el.state === 'ringing');
    const tones = watchTones();
    el.hangup();
    await until(() => el.state === 'idle' && transfers.length === 2);
    tones.restore();
    expect(transfers.at(-1)?.outcome).to.equal('failed');
    expect(tones.frequencies, 'no busy tone when the visitor hung up').to.deep.equal([]);
    expect(ended[0]?.reason).to.equal('local-hangup');
    expect(first.closes).to.equal(1);
    expect(second.closes).to.equal(1);
    expect(second.hangups).to.equal(1);
  });

  it('declines an attended transfer (Replaces), and any transfer while reconnecting', async () => {
    const { el, connector, first, transfers } = await answered();
    first.emit({ type: 'transfer', referId: 20, target: TARGET, replaces: 'abc@pbx' });
    await until(() => first.declinedTransfers.length === 1);
    first.emit({ type: 'connection-interrupted' });
    await until(() => el.state === 'reconnecting');
    first.emit({ type: 'transfer', referId: 21, target: TARGET });
    await until(() => first.declinedTransfers.length === 2);
    expect(first.declinedTransfers).to.deep.equal([20, 21]);
    expect(transfers.map((t) => t.outcome)).to.deep.equal(['declined', 'declined']);
    expect(connector.sessions.length).to.equal(1);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it('a transfer from a call the far end held: the hold clears for the target, and comes back if the transfer fails', async () => {
    const { el, connector, first, holds, transfers } = await answered();
    first.emit({ type: 'remote-hold', onHold: true });
    first.emit({ type: 'transfer', referId: 22, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    await el.updateComplete;
    expect(statusText(el)).to.equal('Transferring…');
    expect(holds).to.deep.equal([
      { onHold: true, by: 'remote' },
      { onHold: false, by: 'remote' },
    ]);
    connector.last.emit({ type: 'hangup', sipCode: 486 });
    await until(() => el.state === 'in-call' && transfers.length === 2);
    await el.updateComplete;
    expect(statusText(el)).to.equal('On hold — please stay on the line');
    expect(holds.at(-1)).to.deep.equal({ onHold: true, by: 'remote' });
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it('a target that rings past ring-timeout fails the transfer, not the call', async () => {
    const { el, connector, first, transfers } = await answered({ 'ring-timeout': '0.3' });
    first.emit({ type: 'transfer', referId: 23, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    const second = connector.last;
    second.emit({ type: 'ringing', sipCode: 180 });
    await until(() => el.state === 'in-call' && transfers.length === 2, 3000);
    expect(transfers.at(-1)?.outcome).to.equal('failed');
    expect(second.closes).to.equal(1);
    expect(first.hangups).to.equal(0);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it("declines the transferor's second transfer while its first is followed", async () => {
    const { el, connector, first } = await answered();
    first.emit({ type: 'transfer', referId: 24, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    first.emit({ type: 'transfer', referId: 25, target: TARGET });
    await until(() => first.declinedTransfers.length === 1);
    expect(first.declinedTransfers).to.deep.equal([25]);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it("hanging up while the target's gateway session opens: it is closed once open, never dials", async () => {
    const { el, connector, first, ended } = await answered();
    let open!: () => void;
    connector.gate = new Promise((resolve) => (open = resolve));
    first.emit({ type: 'transfer', referId: 26, target: TARGET });
    await until(() => connector.connects === 2);
    el.hangup();
    await until(() => ended.length === 1);
    expect(ended[0]?.reason).to.equal('local-hangup');
    expect(first.closes).to.equal(1);
    open();
    await until(() => connector.sessions.length === 2 && connector.last.closes === 1);
    expect(connector.last.calledUri, 'the target was never dialled').to.equal(undefined);
    expect(el.state).to.equal('idle');
  });

  it('removing the element while the target rings hangs up both calls', async () => {
    const { el, connector, first, ended } = await answered();
    first.emit({ type: 'transfer', referId: 27, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    const second = connector.last;
    second.emit({ type: 'ringing', sipCode: 180 });
    el.remove();
    await until(() => ended.length === 1);
    expect(ended[0]?.reason).to.equal('local-hangup');
    expect(second.hangups).to.equal(1);
    expect(first.closes).to.equal(1);
    expect(second.closes).to.equal(1);
  });

  it('declines a second transfer while one is followed', async () => {
    const { el, connector, first, transfers } = await answered();
    first.emit({ type: 'transfer', referId: 14, target: TARGET });
    await until(() => connector.last !== first && connector.last.calledUri !== undefined);
    connector.last.emit({ type: 'transfer', referId: 15, target: TARGET });
    await until(() => connector.last.declinedTransfers.length === 1);
    expect(transfers.map((t) => t.outcome)).to.deep.equal(['following', 'declined']);
    el.hangup();
    await until(() => el.state === 'idle');
  });
});

describe('hold by the far end', () => {
  it('says "On hold — please stay on the line", fires voip-hold by remote, and clears on resume', async () => {
    const { el, first, holds } = await answered();
    first.emit({ type: 'remote-hold', onHold: true });
    await el.updateComplete;
    expect(statusText(el)).to.equal('On hold — please stay on the line');
    expect(el.onHold).to.equal(false); // the visitor's own hold is another thing
    first.emit({ type: 'remote-hold', onHold: false });
    await el.updateComplete;
    expect(statusText(el)).to.equal('Connected');
    expect(holds).to.deep.equal([
      { onHold: true, by: 'remote' },
      { onHold: false, by: 'remote' },
    ]);
    el.hangup();
    await until(() => el.state === 'idle');
  });

  it('shows Indonesian text for a hold by the far end', async () => {
    const { el, first } = await answered({ lang: 'id' });
    first.emit({ type: 'remote-hold', onHold: true });
    await until(() => statusText(el).startsWith('Panggilan ditahan'));
    el.hangup();
    await until(() => el.state === 'idle');
  });
});
