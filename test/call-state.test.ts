import { expect } from '@open-wc/testing';
import {
  CallState,
  IllegalTransitionError,
  canTransition,
  nextState,
  type CallInput,
} from '../src/call-state.js';

const STATES: CallState[] = [
  'idle',
  'connecting',
  'calling',
  'ringing',
  'in-call',
  'reconnecting',
  'ending',
];
const INPUTS: CallInput[] = [
  'start',
  'invite-sent',
  'ringing',
  'answered',
  'interrupted',
  'recovered',
  'end',
  'released',
];

// The expected table, written out independently of the source: [from, input, to].
const LEGAL: Array<[CallState, CallInput, CallState]> = [
  ['idle', 'start', 'connecting'],
  ['connecting', 'invite-sent', 'calling'],
  ['connecting', 'end', 'ending'],
  ['calling', 'ringing', 'ringing'],
  ['calling', 'answered', 'in-call'],
  ['calling', 'end', 'ending'],
  ['ringing', 'answered', 'in-call'],
  ['ringing', 'end', 'ending'],
  ['in-call', 'interrupted', 'reconnecting'],
  ['in-call', 'end', 'ending'],
  ['reconnecting', 'recovered', 'in-call'],
  ['reconnecting', 'end', 'ending'],
  ['ending', 'released', 'idle'],
];

describe('call-state', () => {
  it('lists the seven public states', () => {
    expect(Object.values(CallState)).to.deep.equal(STATES);
  });

  for (const from of STATES) {
    for (const input of INPUTS) {
      const legal = LEGAL.find(([f, i]) => f === from && i === input);
      if (legal) {
        it(`${from} --${input}--> ${legal[2]}`, () => {
          expect(nextState(from, input)).to.equal(legal[2]);
          expect(canTransition(from, input)).to.equal(true);
        });
      } else {
        it(`${from} rejects ${input}`, () => {
          expect(canTransition(from, input)).to.equal(false);
          expect(() => nextState(from, input)).to.throw(IllegalTransitionError);
        });
      }
    }
  }

  it('reaches every state from idle and comes back to idle', () => {
    const seen = new Set<CallState>(['idle']);
    let frontier: CallState[] = ['idle'];
    while (frontier.length > 0) {
      const next: CallState[] = [];
      for (const s of frontier) {
        for (const input of INPUTS) {
          if (!canTransition(s, input)) continue;
          const to = nextState(s, input);
          if (!seen.has(to)) {
            seen.add(to);
            next.push(to);
          }
        }
      }
      frontier = next;
    }
    expect([...seen].sort()).to.deep.equal([...STATES].sort());
  });
});
