import type { Channel, ChannelRef } from '../complaint';

/** A message pushed to a citizen outside a conversation turn (answers, requests for information). */
export interface OutboundMessage {
  text: string;
  /** Files from the FileStore to send along (answer documents). */
  files?: Array<{ name: string; mediaType: string; storageKey: string }>;
}

export interface SendResult {
  /** The channel's id of the sent message, when it gives one. */
  messageId?: string;
}

/**
 * Why a send failed, decided where the I/O happens: `retryAfterMs` (429), `transient` (5xx, timeout,
 * network) or permanent (blocked by the user, outside Zalo's messaging window, bad request).
 */
export class ChannelSendError extends Error {
  constructor(
    readonly channel: Channel,
    readonly kind: 'rate_limited' | 'transient' | 'permanent' | 'outside_window',
    message: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(`send via ${channel} failed (${kind}): ${message}`, options);
    this.name = 'ChannelSendError';
  }
}

export interface ChannelSender {
  readonly channel: Channel;
  send(to: ChannelRef, message: OutboundMessage): Promise<SendResult>;
}
