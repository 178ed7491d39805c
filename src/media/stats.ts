/** Readings of WebRTC statistics shared by the call and the gateway adapter. Pure. */

type ByteStat = { type: string; bytesReceived?: number };

/**
 * The bytes received on a call's media path so far, from a `getStats()` report: every transport
 * (RTP, RTCP, STUN alike); -1 without a report. Firefox's transport stats carry no byte counts:
 * there its candidate pairs count them.
 */
export function receivedBytes(report: RTCStatsReport | null): number {
  if (!report) return -1;
  const sums: Partial<Record<string, number>> = {};
  report.forEach(({ type, bytesReceived }: ByteStat) => {
    if (bytesReceived !== undefined) sums[type] = (sums[type] ?? 0) + bytesReceived;
  });
  return sums['transport'] ?? sums['candidate-pair'] ?? 0;
}
