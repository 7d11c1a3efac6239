import type { Activity } from 'botbuilder';
import type { FastifyInstance, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import { isLocale } from '../../src/i18n';
import { INBOUND_FILE_CONTENT_TYPE, type InboundFile } from '../../src/domain/inbound-file';
import type { InboundDedupe } from '../../src/domain/ports/inbound-dedupe';
import type { Locale } from '../../src/domain/complaint';
import { fileTooLarge } from '../bounded-download';
import { channelText, DEDUPE_TTL_MS } from '../channel-runtime';
import { processOnce } from '../inbound-once';
import type { WebChannel } from './web-adapter';
import type { WebMessage, WebSession } from './webchat-store';
import { RateGate } from './rate-gate';

export interface WebChatRoutesOptions {
  channel: WebChannel;
  dedupe: InboundDedupe;
  defaultLocale: Locale;
  maxFileBytes: number;
  /** How often an open event stream re-reads the session (messages appended by another process). */
  pollMs?: number;
  /** Keep-alive comment interval on event streams. */
  heartbeatMs?: number;
  /** Sessions one client address may start per 10 minutes (default 30). */
  sessionsPerIp?: number;
  /** Messages and files per session per minute (default 60). */
  messagesPerMinute?: number;
}

const MAX_TEXT = 4000;

/** A file name fit to show in the chat (the stored name is decided from the bytes, by the dialogs). */
function displayName(name: string): string {
  const base = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  return (
    base
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
      .trim()
      .slice(0, 100) || 'file'
  );
}

function sessionActivity(session: WebSession, id: string): Partial<Activity> {
  return {
    type: 'message',
    id,
    timestamp: new Date(),
    channelId: 'web',
    from: { id: session.id, name: '' },
    recipient: { id: 'bot', name: 'bot' },
    conversation: { id: session.id, isGroup: false, conversationType: 'personal', name: '' },
    locale: session.locale,
  };
}

function sseEvent(m: WebMessage): string {
  return `id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`;
}

/**
 * The web chat API under `/api/webchat`: create a session, send a message, upload a file, and an event
 * stream (SSE) of the conversation that resumes after `Last-Event-ID` (or `?after=`). The session's
 * messages are stored, so a visitor who comes back sees what was pushed while they were away.
 */
export async function registerWebChatRoutes(
  app: FastifyInstance,
  options: WebChatRoutesOptions,
): Promise<void> {
  const { channel, dedupe } = options;
  const { store, hub } = channel;
  const streams = new Set<FastifyReply['raw']>();
  const sessionGate = new RateGate(options.sessionsPerIp ?? 30, 10 * 60_000);
  const messageGate = new RateGate(options.messagesPerMinute ?? 60, 60_000);
  const tooMany = (reply: FastifyReply, waitMs: number) =>
    reply
      .code(429)
      .header('retry-after', String(Math.ceil(waitMs / 1000)))
      .send({
        error: 'TooManyRequests',
        key: 'errors.rate_limited',
        params: { seconds: Math.ceil(waitMs / 1000) },
      });

  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser('multipart/form-data')) {
      await scope.register(multipart, {
        limits: { fileSize: options.maxFileBytes, files: 1, fields: 4, fieldSize: MAX_TEXT * 4 },
      });
    }

    const load = async (id: string, reply: FastifyReply): Promise<WebSession | undefined> => {
      const s = await store.get(id);
      if (!s) void reply.code(404).send({ error: 'NotFound', key: 'errors.not_found' });
      return s;
    };

    scope.post<{ Body: { locale?: string } | undefined }>(
      '/api/webchat/sessions',
      {
        schema: {
          tags: ['webchat'],
          summary: 'Start a web chat session',
          body: {
            type: 'object',
            nullable: true,
            properties: { locale: { type: 'string', enum: ['vi', 'en'] } },
            additionalProperties: false,
          },
        },
      },
      async (req, reply) => {
        const wait = sessionGate.take(req.ip);
        if (wait) return tooMany(reply, wait);
        const locale = isLocale(req.body?.locale)
          ? req.body.locale
          : isLocale(req.locale)
            ? req.locale
            : options.defaultLocale;
        const s = await store.create(locale);
        // The page opens on the bot's greeting and menu, in the session's language, already stored
        // when the page connects. A failed greeting does not stop the session: the visitor can type.
        try {
          await channel.greet(sessionActivity(s, `open-${s.id}`));
        } catch (err) {
          req.log.error({ err }, 'web chat greeting failed');
        }
        return reply.code(201).send({ sessionId: s.id, locale: s.locale });
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/api/webchat/sessions/:id',
      { schema: { tags: ['webchat'], summary: 'A session and its messages' } },
      async (req, reply) => {
        const s = await load(req.params.id, reply);
        if (!s) return reply;
        return { sessionId: s.id, locale: s.locale, messages: s.messages };
      },
    );

    scope.post<{ Params: { id: string }; Body: { text: string; clientMessageId?: string } }>(
      '/api/webchat/sessions/:id/messages',
      {
        schema: {
          tags: ['webchat'],
          summary: 'Send a message; the replies arrive on the event stream',
          body: {
            type: 'object',
            required: ['text'],
            properties: {
              text: { type: 'string', minLength: 1, maxLength: MAX_TEXT },
              clientMessageId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
            },
            additionalProperties: false,
          },
        },
      },
      async (req, reply) => {
        const s = await load(req.params.id, reply);
        if (!s) return reply;
        const wait = messageGate.take(s.id);
        if (wait) return tooMany(reply, wait);
        const text = req.body.text.trim();
        if (!text) return reply.code(400).send({ error: 'BadRequest', key: 'errors.bad_request' });
        const run = () =>
          channel.handle(
            { ...sessionActivity(s, req.body.clientMessageId ?? String(Date.now())), text },
            { from: 'user', text },
          );
        if (!req.body.clientMessageId) {
          await run();
          return reply.code(202).send({ ok: true });
        }
        // A retried send (the page lost the answer) is not run twice.
        const outcome = await processOnce(
          dedupe,
          `web:${s.id}:${req.body.clientMessageId}`,
          DEDUPE_TTL_MS,
          run,
        );
        return reply.code(202).send({ ok: true, duplicate: outcome === 'duplicate' });
      },
    );

    scope.post<{ Params: { id: string } }>(
      '/api/webchat/sessions/:id/files',
      {
        schema: {
          tags: ['webchat'],
          summary: 'Send a file (multipart field "file", optional field "text" before it)',
        },
      },
      async (req, reply) => {
        const s = await load(req.params.id, reply);
        if (!s) return reply;
        const wait = messageGate.take(s.id);
        if (wait) return tooMany(reply, wait);
        if (!req.isMultipart()) return reply.code(415).send({ error: 'UnsupportedMediaType' });
        const part = await req.file({ limits: { fileSize: options.maxFileBytes, files: 1 } });
        if (!part) return reply.code(400).send({ error: 'BadRequest', key: 'errors.bad_request' });
        let bytes: Buffer;
        try {
          bytes = await part.toBuffer();
        } catch (err) {
          if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            const e = fileTooLarge(options.maxFileBytes + 1, options.maxFileBytes);
            return reply.code(413).send({ error: 'LimitError', key: e.key, params: e.params });
          }
          throw err;
        }
        const name = displayName(part.filename || 'file');
        const caption = (part.fields.text as { value?: unknown } | undefined)?.value;
        const text =
          typeof caption === 'string' && caption.trim() ? caption.trim().slice(0, MAX_TEXT) : undefined;
        const content: InboundFile = {
          kind: part.mimetype.startsWith('image/') ? 'photo' : 'document',
          name,
          declaredType: part.mimetype,
          size: bytes.length,
          async download(maxBytes: number) {
            if (bytes.length > maxBytes) throw fileTooLarge(bytes.length, maxBytes);
            return bytes;
          },
        };
        const activity = {
          ...sessionActivity(s, String(Date.now())),
          text,
          attachments: [{ contentType: INBOUND_FILE_CONTENT_TYPE, name, content }],
        };
        await channel.handle(activity, { from: 'user', text, files: [name] });
        return reply.code(202).send({ ok: true, name });
      },
    );

    scope.get<{ Params: { id: string }; Querystring: { after?: string } }>(
      '/api/webchat/sessions/:id/events',
      { schema: { tags: ['webchat'], summary: 'Server-sent events: the messages after Last-Event-ID' } },
      async (req, reply) => {
        const s = await load(req.params.id, reply);
        if (!s) return reply;
        const fromHeader = Number(req.headers['last-event-id']);
        const fromQuery = Number(req.query.after);
        let last =
          Number.isInteger(fromHeader) && fromHeader >= 0
            ? fromHeader
            : Number.isInteger(fromQuery) && fromQuery >= 0
              ? fromQuery
              : 0;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n\n');
        const push = (messages: WebMessage[]) => {
          let out = '';
          for (const m of messages) {
            if (m.seq <= last) continue;
            out += sseEvent(m);
            last = m.seq;
          }
          if (out) res.write(out);
        };
        // Subscribe before replaying, so nothing appended in between is missed (seq filters repeats).
        const unsubscribe = hub.subscribe(s.id, push);
        push(s.messages);
        streams.add(res);
        let beats = 0;
        const heartbeatEvery = Math.max(
          1,
          Math.round((options.heartbeatMs ?? 15_000) / (options.pollMs ?? 3000)),
        );
        const timer = setInterval(() => {
          // Answers appended by the workers in another process reach this stream through the store.
          store
            .get(s.id)
            .then((cur) => {
              if (cur) push(cur.messages);
              if (++beats % heartbeatEvery === 0) res.write(': ping\n\n');
            })
            .catch(() => undefined);
        }, options.pollMs ?? 3000);
        const cleanup = () => {
          clearInterval(timer);
          unsubscribe();
          streams.delete(res);
        };
        req.raw.on('close', cleanup);
        res.on('close', cleanup);
      },
    );
  });

  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });
}

/** The share-phone label etc. are in web.json; re-exported for the page. */
export { channelText };
