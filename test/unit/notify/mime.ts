/** Just enough MIME to check what nodemailer wrote: headers, RFC 2047 words, QP/base64 parts, multipart. */
export interface MimePart {
  headers: Record<string, string>;
  body: Buffer;
  parts: MimePart[];
}

function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g,
    (_m, _cs: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
  );
}

function decodeQp(text: string): Buffer {
  const bytes: number[] = [];
  const s = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

export function parseMime(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const rest = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  const type = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    const chunks = rest.split(`--${boundary}`).slice(1);
    const parts = chunks
      .filter((c) => !c.startsWith('--'))
      .map((c) => parseMime(c.replace(/^\r?\n/, '').replace(/\r?\n$/, '')));
    return { headers, body: Buffer.alloc(0), parts };
  }
  const enc = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const body =
    enc === 'base64'
      ? Buffer.from(rest.replace(/\s+/g, ''), 'base64')
      : enc === 'quoted-printable'
        ? decodeQp(rest)
        : Buffer.from(rest.replace(/\r?\n$/, ''), 'utf8');
  return { headers, body, parts: [] };
}

export function flattenParts(p: MimePart): MimePart[] {
  return p.parts.length ? p.parts.flatMap(flattenParts) : [p];
}

/** The file name of a part, RFC 2231 continuations (`filename*0*=utf-8''…`) included. */
export function partFilename(p: MimePart): string | undefined {
  const cd = p.headers['content-disposition'] ?? '';
  const pieces = [...cd.matchAll(/filename\*(\d+)\*?=([^;]+)/g)].sort((a, b) => Number(a[1]) - Number(b[1]));
  if (pieces.length)
    return decodeURIComponent(
      pieces
        .map((m) => m[2]!.trim())
        .join('')
        .replace(/^utf-8''/i, ''),
    );
  const star = /filename\*=([^;]+)/.exec(cd)?.[1];
  if (star) return decodeURIComponent(star.trim().replace(/^utf-8''/i, ''));
  return /filename="?([^";]+)"?/.exec(cd)?.[1];
}
