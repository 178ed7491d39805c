/**
 * A click this soon after another on the same control is the rest of a double-click: the call
 * button, the after-hours offers and the floating round button ignore it.
 */
export const DOUBLE_CLICK_MS = 500;
