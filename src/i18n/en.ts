/**
 * English, built into the main bundle: the text a visitor can see before a call has run (the
 * label, the button's actions, the states, and the errors raised before anything is downloaded).
 * The text of call outcomes is in `en-call.ts`, loaded with the code that produces them.
 */
export const en = {
  label: 'Call us',
  'action.cancel': 'Cancel call',
  'action.hangUp': 'Hang up',
  'action.ending': 'Ending call',
  'state.idle': '',
  'state.connecting': 'Connecting…',
  'state.calling': 'Calling…',
  'state.ringing': 'Ringing…',
  'state.in-call': 'Connected',
  'state.ending': 'Ending call…',
  'error.invalid-number': 'This call button has an invalid number.',
  'error.invalid-config': 'This call button is not set up correctly.',
  'error.insecure-context': 'Calls need a secure (https) page.',
  'error.unsupported-browser':
    'This browser cannot make calls. Try a current Chrome, Firefox, Safari or Edge.',
  'error.load-failed': 'The call feature could not be loaded. Reload the page and try again.',
};
