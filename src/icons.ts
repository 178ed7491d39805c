/** The phone icon's path (a 24-unit box): the call button's, and the floating variant's. */
export const PHONE_ICON =
  'M4 3h5l2 5-3 2a12 12 0 0 0 6 6l2-3 5 2v5a2 2 0 0 1-2 2A18 18 0 0 1 2 5a2 2 0 0 1 2-2z';
