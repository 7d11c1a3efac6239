/** Dialog and prompt ids, shared by the bot and the intake dialogs. */
export const DialogIds = {
  Menu: 'menu',
  Intake: 'intake',
  Consent: 'intake.consent',
  Category: 'intake.category',
  Agency: 'intake.agency',
  Title: 'intake.title',
  Content: 'intake.content',
  Files: 'intake.files',
  Contact: 'intake.contact',
  Name: 'intake.name',
  Phone: 'intake.phone',
  Email: 'intake.email',
  Review: 'intake.review',
  Captcha: 'intake.captcha',
  OutOfScope: 'outOfScope',
  ScopeGate: 'scopeGate',
  Lookup: 'lookup',
  Lang: 'lang',
  Supplement: 'supplement',
  SupplementCollect: 'supplement.collect',
} as const;

export const PromptIds = {
  Choice: 'prompt.choice',
  Title: 'prompt.title',
  Name: 'prompt.name',
  Phone: 'prompt.phone',
  Email: 'prompt.email',
  Code: 'prompt.code',
} as const;
