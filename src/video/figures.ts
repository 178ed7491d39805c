/** Video figures for `voip-quality` from WebRTC statistics. Pure. */
import type { VideoFigures } from '../events.js';

interface VideoStat {
  type: string;
  kind?: string;
  mediaType?: string;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
}

/**
 * The frame rate and size of the video sent and received, from a `getStats()` report;
 * `undefined` when no video flows either way (a direction without frames is left out).
 */
export function videoFigures(
  report: RTCStatsReport,
): { sent?: VideoFigures; received?: VideoFigures } | undefined {
  const figures: { sent?: VideoFigures; received?: VideoFigures } = {};
  report.forEach((value) => {
    const stat = value as VideoStat;
    const direction =
      stat.type === 'outbound-rtp' ? 'sent' : stat.type === 'inbound-rtp' ? 'received' : undefined;
    if (!direction || (stat.kind ?? stat.mediaType) !== 'video' || !stat.frameWidth) return;
    figures[direction] = {
      fps: Math.round(stat.framesPerSecond ?? 0),
      width: stat.frameWidth,
      height: stat.frameHeight ?? 0,
    };
  });
  return figures.sent || figures.received ? figures : undefined;
}
