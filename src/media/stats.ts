/** Readings of WebRTC statistics shared by the call and the gateway adapter. Pure. */

/**
 * The bytes received on a call's media path so far, from a `getStats()` report: every transport
 * (RTP, RTCP, STUN alike); -1 without a report.
 */
export function receivedBytes(report: RTCStatsReport | null): number {
  let bytes = -1;
  report?.forEach((stat: { type: string; bytesReceived?: number }) => {
    if (stat.type === 'transport') bytes = Math.max(bytes, 0) + (stat.bytesReceived ?? 0);
  });
  return bytes;
}
