import nodemailer, { type Transporter } from 'nodemailer';

/** One e-mail to a citizen (or an officer's digest). Attachment bytes are read by the caller. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: Array<{ filename: string; contentType: string; content: Buffer }>;
  /** Stable id (per event and recipient), sent as Message-ID so a resend threads as the same mail. */
  messageId?: string;
}

/**
 * Sends mail over SMTP (nodemailer, `SMTP_URL`). SMTP 4xx replies and connection failures are
 * transient; 5xx replies (bad mailbox, refused) are permanent, both as EmailSendError (email is not a
 * chat Channel, so ChannelSendError does not fit).
 */
export interface EmailSender {
  send(message: EmailMessage): Promise<{ messageId?: string }>;
  close(): void;
}

export class EmailSendError extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent',
    message: string,
    options?: ErrorOptions,
  ) {
    super(`send via email failed (${kind}): ${message}`, options);
    this.name = 'EmailSendError';
  }
}

export interface EmailSenderOptions {
  smtpUrl: string;
  from: string;
  /** Domain for generated Message-IDs. @defaultValue the host of `from`, else `pakn.local` */
  messageIdDomain?: string;
}

export function createEmailSender(options: EmailSenderOptions): EmailSender {
  const transport: Transporter = nodemailer.createTransport(options.smtpUrl);
  const domain = options.messageIdDomain ?? /@([^>\s]+)/.exec(options.from)?.[1] ?? 'pakn.local';
  return {
    async send(message) {
      try {
        const info = (await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: message.messageId
            ? `<${message.messageId.replace(/[^A-Za-z0-9._:-]/g, '_')}@${domain}>`
            : undefined,
          attachments: message.attachments?.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
          })),
        })) as { messageId?: string };
        return { messageId: info.messageId };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500)
          throw new EmailSendError('permanent', `SMTP ${code}`, { cause: err });
        throw new EmailSendError('transient', code ? `SMTP ${code}` : 'SMTP unreachable', { cause: err });
      }
    },
    close() {
      transport.close();
    },
  };
}

/** Maps the mail error onto the same kinds as chat sends, for the delivery worker's one decision table. */
export function emailErrorKind(err: unknown): 'transient' | 'permanent' | undefined {
  return err instanceof EmailSendError ? err.kind : undefined;
}
