/** English text of opening hours and the offers when nobody can answer, shipped with away/. */
export const enAway = {
  'away.closed': 'Closed now — opens {when}.',
  'away.closed-now': 'Closed now.',
  'away.leave-message': 'Leave a message',
  'away.request-callback': 'Request a callback',
  'error.closed': 'We are closed now. Please leave a message or call again during opening hours.',
};
