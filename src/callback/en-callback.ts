/**
 * English text of the callback form, shipped with its chunk. `{n}` and `{phone}` are filled in by
 * the form; a translation keeps them.
 */
export const enCallback = {
  'callback.label': 'Request a callback',
  'callback.phone': 'Phone number',
  'callback.phone-hint': 'With the country code, for example +44 20 7946 0000',
  'callback.phone-invalid': 'Please enter a phone number we can call.',
  'callback.field-invalid': 'Please check this field.',
  'callback.name': 'Name (optional)',
  'callback.time': 'Preferred time (optional)',
  'callback.asap': 'As soon as possible',
  'callback.note': 'Note (optional)',
  'callback.left': '{n} characters left',
  'callback.consent': 'We use your number only to call you back about this request.',
  'callback.submit': 'Request a callback',
  'callback.sending': 'Sending…',
  'callback.retry': 'Try again',
  'callback.cancel': 'Cancel',
  'callback.close': 'Close',
  'callback.sent': 'Thank you. We will call you back at {phone}.',
  'callback.unsent':
    'Your request could not be sent. Check your connection — what you typed is kept.',
  'callback.check': 'Please check your details and try again.',
  'callback.too-many': 'Too many requests. Please try again later.',
  'callback.refused': 'This request could not be accepted.',
};
