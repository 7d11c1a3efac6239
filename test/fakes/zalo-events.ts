/** Builders of Zalo OA webhook events in their real shapes (CHANNELS.md §3.1). */
let n = 1;
let clock = 1_718_000_000_000;

export function zaloText(userId: string, text: string, opts: { msgId?: string; timestamp?: number } = {}) {
  return {
    user_id_by_app: `app-${userId}`,
    event_name: 'user_send_text',
    timestamp: String(opts.timestamp ?? clock++),
    sender: { id: userId },
    recipient: { id: '579745863508352884' },
    message: { msg_id: opts.msgId ?? `msg-${n++}`, text },
  };
}

export function zaloImage(userId: string, url: string, caption?: string) {
  return {
    user_id_by_app: `app-${userId}`,
    event_name: 'user_send_image',
    timestamp: String(clock++),
    sender: { id: userId },
    recipient: { id: '579745863508352884' },
    message: {
      msg_id: `msg-${n++}`,
      text: caption,
      attachments: [{ type: 'image', payload: { url, thumbnail: url } }],
    },
  };
}

export function zaloFile(userId: string, url: string, name: string, size: number) {
  return {
    user_id_by_app: `app-${userId}`,
    event_name: 'user_send_file',
    timestamp: String(clock++),
    sender: { id: userId },
    recipient: { id: '579745863508352884' },
    message: {
      msg_id: `msg-${n++}`,
      attachments: [
        { type: 'file', payload: { url, name, size: String(size), type: name.split('.').pop() } },
      ],
    },
  };
}

export function zaloFollow(userId: string) {
  return {
    event_name: 'follow',
    timestamp: String(clock++),
    oa_id: '579745863508352884',
    follower: { id: userId },
    source: 'oa_profile',
  };
}
