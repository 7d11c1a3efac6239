import { EventEmitter } from 'node:events';
import type { WebMessage } from './webchat-store';

/** In-process fan-out of new messages to the open event streams of a session. */
export class WebChatHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(sessionId: string, messages: WebMessage[]): void {
    if (messages.length) this.emitter.emit(sessionId, messages);
  }

  subscribe(sessionId: string, listener: (messages: WebMessage[]) => void): () => void {
    this.emitter.on(sessionId, listener);
    return () => this.emitter.off(sessionId, listener);
  }
}
