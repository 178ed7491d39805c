/**
 * English text shown during and after a call: the in-call panel, how a call ended, and the
 * failures found while connecting. Shipped in the call chunk (see `call-runner.ts`), since only
 * a call that ran can show it.
 */
export const enCall = {
  'state.on-hold': 'On hold',
  'error.invalid-digits': 'Only the digits 0-9, * and # can be sent.',
  'error.not-in-call': 'This works only while the call is connected.',
  'error.action-failed': 'That did not work. Please try again.',
  'error.unauthorized': 'The call service did not accept this page. Reload the page and try again.',
  'panel.label': 'Call controls',
  'panel.mute': 'Mute',
  'panel.hold': 'Hold',
  'panel.keypad': 'Keypad',
  'panel.keypad-label': 'Keypad: type or press digits to send tones',
  'panel.play': 'Tap to hear the call',
  'panel.settings': 'Audio',
  'panel.microphone': 'Microphone',
  'panel.speaker': 'Speaker',
  'panel.level-in': 'Microphone level',
  'panel.level-out': 'Call audio level',
  'panel.poor-quality': 'Poor connection: you may hear gaps.',
  'ended.local-hangup': 'Call ended.',
  'ended.remote-hangup': 'The other side hung up.',
  'ended.busy': 'The line is busy. Please try again later.',
  'ended.declined': 'The call was declined.',
  'ended.not-found': 'That number does not exist.',
  'ended.unavailable': 'Nobody is available right now. Please try again later.',
  'ended.no-answer': 'No answer. Please try again later.',
  'ended.cancelled': 'Call cancelled.',
  'ended.service-unavailable': 'The phone service is unavailable. Please try again later.',
  'ended.max-duration': 'The call reached its time limit.',
  'ended.connection-lost': 'The connection was lost. Please call again.',
  'ended.failed': 'The call failed. Please try again.',
  'error.server-unreachable': 'Cannot reach the call service. Check your connection and try again.',
  'error.server-error': 'The call service refused the call. Please try again later.',
  'error.mic-denied':
    'Microphone access is blocked. Allow the microphone for this site in your browser, then try again.',
  'error.no-microphone': 'No microphone was found. Connect one and try again.',
  'error.mic-unavailable': 'Your microphone is in use by another app or is not working.',
  'error.failed': 'The call could not be started. Please try again.',
};
