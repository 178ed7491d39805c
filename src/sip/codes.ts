/** What SIP status codes mean for a call that was not answered. Pure. */
import type { EndReason } from '../errors.js';

/**
 * How a SIP final response (or a Janus SIP plugin error, 9xx) to our INVITE ends an unanswered
 * call.
 */
export function reasonForSipCode(code: number | undefined): EndReason {
  switch (code) {
    case 486:
    case 600:
      return 'busy';
    case 603:
    case 607:
      return 'declined';
    case 404:
    case 604:
      return 'not-found';
    case 410:
    case 480:
      return 'unavailable';
    case 408:
      return 'no-answer';
    case 487:
      return 'cancelled';
    case 500:
    case 502:
    case 503:
    case 504:
      return 'service-unavailable';
    default:
      return 'failed';
  }
}
