/** English text of the rating form after a call (`feedback`), shipped with feedback/. */
export const enFeedback = {
  'feedback.question': 'How was the call?',
  'feedback.rating': '{n} of 5',
  'feedback.scale': '1 = poor, 5 = excellent',
  'feedback.problems': 'What went wrong?',
  'feedback.could-not-hear': 'I could not hear them',
  'feedback.could-not-be-heard': 'They could not hear me',
  'feedback.choppy-audio': 'Choppy audio',
  'feedback.echo': 'Echo',
  'feedback.dropped-call': 'The call dropped',
  'feedback.send': 'Send',
  'feedback.skip': 'Skip',
  'feedback.thanks': 'Thank you for your feedback.',
};
