/**
 * A name made safe for a file or folder: lower-case ASCII letters and digits joined by single
 * hyphens (accents folded first), cut to a length any file system takes, never empty.
 */
export function slug(text: string, fallback: string, maxLength = 80): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return s || fallback;
}
