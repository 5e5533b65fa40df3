const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. Every piece of user content goes through it. */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}
