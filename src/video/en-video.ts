/** English text of video calls and screen sharing, shipped with the video chunk. */
export const enVideo = {
  'video.camera': 'Camera',
  'video.share-screen': 'Share screen',
  'video.remote': 'Video from the other side',
  'video.local': 'Your video',
  'video.fullscreen': 'Full screen',
  'video.poor': 'Poor connection. Turn your camera off to keep the voice clear?',
  'video.turn-off': 'Turn camera off',
  'video.keep': 'Keep it on',
  'error.camera-denied':
    'The camera was not allowed. Allow it for this site in your browser, then try again. The call goes on without your video.',
  'error.no-camera': 'No camera was found. The call goes on without your video.',
  'error.camera-unavailable':
    'Your camera is in use by another app or is not working. The call goes on without your video.',
  'error.screen-denied': 'Screen sharing was not allowed or was cancelled.',
};
