/** The Zalo OA Open API v3 wire shapes we read (snake_case stays inside bots/zalo). */
export interface ZaloAttachment {
  type: string;
  payload?: {
    url?: string;
    thumbnail?: string;
    name?: string;
    /** Bytes, as a string. */
    size?: string | number;
    /** File extension, for files. */
    type?: string;
  };
}

export interface ZaloEvent {
  app_id?: string;
  user_id_by_app?: string;
  event_name: string;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string | number;
  sender?: { id: string };
  recipient?: { id: string };
  message?: {
    msg_id?: string;
    text?: string;
    attachments?: ZaloAttachment[];
  };
}

/** Every Open API answer: `error` 0 is success (HTTP 200 is returned for errors too). */
export interface ZaloResponse<T = unknown> {
  error: number;
  message?: string;
  data?: T;
}

export interface ZaloTokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: string | number;
  error?: number;
  error_name?: string;
  error_description?: string;
}
