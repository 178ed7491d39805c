/** English text of the Text view and of text-message failures, shipped with the text chunk. */
export const enChat = {
  'error.invalid-message':
    'A message needs some text, at most 1,000 characters, and no control characters.',
  'error.rate-limited': 'You are sending messages too fast. Please wait a moment.',
  'error.message-failed': 'Your message could not be delivered.',
  'panel.text': 'Text',
  'chat.label': 'Text messages',
  'chat.input': 'Type a message',
  'chat.send': 'Send',
  'chat.retry': 'Retry',
  'chat.you': 'You',
  'chat.agent': 'Agent',
  'chat.sending': 'Sending…',
  'chat.delivered': 'Delivered',
  'chat.failed': 'Not delivered',
  'chat.shortened': '… [message shortened]',
  'chat.unread': 'unread',
};
