/** English text of the floating variant, shipped with floating/. */
export const enFloating = {
  'floating.close': 'Close',
  'floating.in-call': 'Back to the call',
};
