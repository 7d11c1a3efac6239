import type { FastifyRequest } from 'fastify';
import type { UploadedFile } from '../../src/application/officers';
import { LimitError, ValidationError } from '../../src/domain/errors';
import type { Limits } from '../../src/domain/limits';

/**
 * The version an action is based on: the `If-Match` header (`5`, `"5"` or `W/"5"`) or a `version` field.
 * Required: an action without it could silently overwrite a change the officer never saw.
 */
export function versionOf(req: FastifyRequest, bodyVersion: unknown): number {
  const header = req.headers['if-match'];
  const raw =
    typeof header === 'string' && header.trim()
      ? header.trim().replace(/^W\//, '').replace(/"/g, '')
      : bodyVersion;
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ValidationError('admin:errors.version_required');
  return n;
}

export interface MultipartForm {
  fields: Record<string, string[]>;
  files: UploadedFile[];
}

/**
 * Reads a multipart form into memory within the limits (file size and count from the limits module);
 * crossing them is the same LimitError a citizen would get. Types are checked later from the bytes.
 */
export async function readMultipart(req: FastifyRequest, limits: Limits): Promise<MultipartForm> {
  const form: MultipartForm = { fields: {}, files: [] };
  try {
    for await (const part of req.parts({
      limits: {
        fileSize: limits.maxFileBytes,
        files: limits.maxAttachments,
        fields: 50,
        fieldSize: 64 * 1024,
      },
    })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        form.files.push({ name: part.filename, bytes });
      } else {
        (form.fields[part.fieldname] ??= []).push(String(part.value));
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      const limitMb = Math.round((limits.maxFileBytes / 1024 / 1024) * 10) / 10;
      throw new LimitError('limits.file_too_large', {
        limit: limits.maxFileBytes,
        actual: limits.maxFileBytes + 1,
        limitMb,
        actualMb: limitMb,
      });
    }
    if (code === 'FST_FILES_LIMIT')
      throw new LimitError('limits.too_many_files', {
        limit: limits.maxAttachments,
        actual: limits.maxAttachments + 1,
      });
    if (
      code === 'FST_FIELDS_LIMIT' ||
      code === 'FST_PARTS_LIMIT' ||
      code === 'FST_INVALID_MULTIPART_CONTENT_TYPE'
    )
      throw new ValidationError('errors.bad_request');
    throw err;
  }
  return form;
}

export function field(form: MultipartForm, name: string): string | undefined {
  return form.fields[name]?.[0];
}

export function boolField(form: MultipartForm, name: string): boolean {
  const v = field(form, name);
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1' || v === 'on') return true;
  throw new ValidationError('errors.bad_request');
}

/** `Content-Disposition` for a stored file: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(name: string, inline = false): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
