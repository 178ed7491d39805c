/**
 * English, built into the main bundle: the text a visitor can see before the call chunk has
 * loaded (the label, cancelling, connecting and ending, and the errors raised before anything is
 * downloaded). The text of later states and of call outcomes is in `en-call.ts`, loaded with the
 * code that produces them.
 */
export const en = {
  label: 'Call us',
  'action.cancel': 'Cancel call',
  'action.ending': 'Ending call',
  'state.idle': '',
  'state.connecting': 'Connecting…',
  'state.ending': 'Ending call…',
  'error.invalid-number': 'This call button has an invalid number.',
  'error.invalid-config': 'This call button is not set up correctly.',
  'error.insecure-context': 'Calls need a secure (https) page.',
  'error.unsupported-browser':
    'This browser cannot make calls. Try a current Chrome, Firefox, Safari or Edge.',
  'error.load-failed': 'The call feature could not be loaded. Reload the page and try again.',
};
