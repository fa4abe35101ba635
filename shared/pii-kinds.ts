/** What the masker (pii-mask.ts) looks for, named once for the screen and the core. */
export type PiiKind = 'phone' | 'card' | 'national_id' | 'email';

export const PII_KIND_LABELS: Record<PiiKind, string> = {
  phone: 'phone numbers',
  card: 'card numbers',
  national_id: 'national ID numbers (SSN, SIN, NI)',
  email: 'e-mail addresses',
};
