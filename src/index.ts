/**
 * voip-call-button: the npm entry point. Importing it defines `<voip-call-button>`.
 */
export { VoipCallButton } from './voip-call-button.js';
export {
  CallState,
  TRANSITIONS,
  nextState,
  canTransition,
  IllegalTransitionError,
} from './call-state.js';
export type { CallInput } from './call-state.js';
export {
  VoipError,
  ERROR_CODES,
  END_REASONS,
  type VoipErrorCode,
  type EndReason,
} from './errors.js';
export type {
  VoipEventMap,
  VoipEventName,
  VoipStateChangeDetail,
  VoipConnectedDetail,
  VoipEndedDetail,
  VoipCallSummaryDetail,
  VoipFeedbackDetail,
  FeedbackProblem,
  VoipPreflightDetail,
  PreflightCheck,
  PreflightCheckName,
  PreflightStatus,
  VoipErrorDetail,
  VoipMuteDetail,
  VoipHoldDetail,
  VoipDtmfDetail,
  VoipQualityDetail,
  VoipReconnectingDetail,
  VoipReconnectedDetail,
  VoipMessageDetail,
  VoipMessageStatusDetail,
  VoipTransferDetail,
  VoipVideoDetail,
  VideoFigures,
  ReconnectCause,
  CallPurpose,
  VoipHoursDetail,
  VoipCallbackRequestDetail,
  VoipCallbackSentDetail,
} from './events.js';
export type { CallbackRequest, CallbackField } from './callback/request.js';
export type { ChatMessage } from './call-contract.js';
export { parseDialString, parseSipDomain, toSipUri, type DialTarget } from './sip/dial-target.js';
export { registerTranslation, type Messages, type MessageKey } from './i18n/index.js';
export type { SipConnector, SipSession, SessionEvent, ConnectOptions } from './sip/session.js';
