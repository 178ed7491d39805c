/** The shape of a translation: its keys come from the English text, in two parts. */
import type { enAway } from '../away/en-away.js';
import type { enCall } from '../call/en-call.js';
import type { enCallback } from '../callback/en-callback.js';
import type { enChat } from '../chat/en-chat.js';
import type { enFeedback } from '../feedback/en-feedback.js';
import type { enFloating } from '../floating/en-floating.js';
import type { enPreflight } from '../preflight/en-preflight.js';
import type { enTransfer } from '../transfer/en-transfer.js';
import type { enVideo } from '../video/en-video.js';
import type { en } from './en.js';

/** A translation key. */
export type MessageKey =
  | keyof typeof en
  | keyof typeof enAway
  | keyof typeof enCall
  | keyof typeof enCallback
  | keyof typeof enChat
  | keyof typeof enFeedback
  | keyof typeof enFloating
  | keyof typeof enPreflight
  | keyof typeof enTransfer
  | keyof typeof enVideo;

/** A complete set of messages for one language. */
export type Messages = Readonly<Record<MessageKey, string>>;
