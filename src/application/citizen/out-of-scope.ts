import { mentionsAny } from './text-match';

/**
 * RULES-VN: complaints and denunciations (khiếu nại, tố cáo) follow their own laws and requests for
 * legal advice are not PAKN. Only explicit words count: a PAKN that merely criticises an official is
 * in scope, and the citizen can always continue after the explanation.
 */
export type OutOfScopeKind = 'complaint' | 'denunciation' | 'legal_advice';

const PHRASES: Record<OutOfScopeKind, readonly string[]> = {
  complaint: [
    'khieu nai',
    'don khieu nai',
    'administrative complaint',
    'formal complaint against a decision',
  ],
  denunciation: ['to cao', 'don to cao', 'denounce', 'denunciation', 'whistleblowing'],
  legal_advice: [
    'tu van phap luat',
    'tu van luat',
    'tu van phap ly',
    'hoi luat su',
    'tro giup phap ly',
    'legal advice',
    'legal counsel',
    'need a lawyer',
  ],
};

export function detectOutOfScope(text: string | undefined): OutOfScopeKind | undefined {
  if (!text) return undefined;
  for (const kind of ['denunciation', 'complaint', 'legal_advice'] as const) {
    if (mentionsAny(text, PHRASES[kind])) return kind;
  }
  return undefined;
}
