/** English text of the pre-call check ("Test my connection"), shipped with preflight/. */
export const enPreflight = {
  'preflight.start': 'Test my connection',
  'preflight.title': 'Connection test',
  'preflight.cancel': 'Cancel test',
  'preflight.close': 'Close',
  'preflight.again': 'Test again',
  'preflight.step.microphone': 'Microphone',
  'preflight.step.speaker': 'Speaker',
  'preflight.step.gateway': 'Our call service',
  'preflight.step.media': 'Call audio over your network',
  'preflight.pending': 'Waiting',
  'preflight.running': 'Checking…',
  'preflight.level': 'Microphone level',
  'preflight.speak': 'Say something: the bar should move.',
  'preflight.question': 'A tone is playing. Did you hear it?',
  'preflight.yes': 'Yes, I heard it',
  'preflight.no': 'No',
  'preflight.microphone.ok': 'Working.',
  'preflight.microphone.silent':
    'We heard nothing. Check that the microphone is not muted, or choose another one.',
  'preflight.microphone.denied':
    'Blocked. Allow the microphone for this site in your browser, then test again.',
  'preflight.microphone.not-found': 'No microphone found. Connect one, then test again.',
  'preflight.microphone.unavailable':
    'The microphone cannot be opened. Close other apps that use it, then test again.',
  'preflight.speaker.heard': 'Working.',
  'preflight.speaker.not-heard':
    'Not heard. Turn the volume up, or choose another speaker or headset on your device.',
  'preflight.speaker.no-answer': 'Not checked.',
  'preflight.gateway.ok': 'Reachable.',
  'preflight.gateway.some-unreachable': 'Reachable (one of our servers did not answer).',
  'preflight.gateway.unreachable':
    'Our call service cannot be reached from this network. Try another network, or try again later.',
  'preflight.gateway.token-failed': 'Our call service did not answer. Try again later.',
  'preflight.gateway.unauthorized': 'Our call service refused the test. Try again later.',
  'preflight.media.ok': 'Good.',
  'preflight.media.poor':
    'Poor: calls may sound choppy. Move closer to your Wi-Fi, or use another network.',
  'preflight.media.no-relay':
    'Working, but the backup route is not reachable: calls may fail on stricter networks.',
  'preflight.media.no-echo':
    'Call audio does not get through this network. Try another network (mobile data, or without a VPN).',
  'preflight.media.not-allowed': 'This test is not available here. Calls may still work.',
  'preflight.media.not-run': 'Not checked.',
  'preflight.verdict.ok': 'All set: your calls should work well.',
  'preflight.verdict.warning': 'Calls should work, but see what we found below.',
  'preflight.verdict.failed': 'A call would not work as things are. See what to do below.',
};
