/** JSON schemas shared by the admin and public routes (Fastify validates with them; /docs shows them). */
export const errorResponseSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    key: { type: 'string', description: 'locale key of the message' },
    message: { type: 'string', description: 'the message in the request language' },
    params: { type: 'object', additionalProperties: true },
    details: { type: 'string' },
  },
} as const;

export const codeParamSchema = {
  type: 'object',
  required: ['code'],
  properties: {
    code: { type: 'string', minLength: 1, maxLength: 20, description: 'tracking code, e.g. ABCD-EFGH' },
  },
} as const;

export const attachmentSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    mediaType: { type: 'string' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
    url: { type: 'string' },
  },
} as const;
