/** Width of a quoted line, in characters, before the `> ` prefix. */
export const QUOTE_WIDTH = 76;

/** Everything a mail client may start a new line at, besides LF. */
const LINE_BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/**
 * Control characters (other than tab) and the bidirectional overrides and isolates, which could make
 * quoted text display as something it is not; shown as U+FFFD.
 */
const HIDDEN = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text that must stay on one line of our own (labels and values in the header block). */
export function oneLine(text: string): string {
  return text.split(LINE_BREAKS).join(' ').replace(HIDDEN, '\ufffd');
}

/** Cuts a line into pieces of at most `width` characters, never inside a surrogate pair. */
function wrap(line: string, width: number): string[] {
  const chars = Array.from(line);
  if (chars.length <= width) return [line];
  const pieces: string[] = [];
  for (let start = 0; start < chars.length; start += width) pieces.push(chars.slice(start, start + width).join(''));
  return pieces;
}

/**
 * User-controlled text as an email quote: every line, including each piece of a wrapped long line,
 * starts with `> `, so none of it can stand at the start of a line and pass for the email's own
 * lines (the link block). Lines stay short (at most QUOTE_WIDTH characters plus the prefix), so the
 * text part needs no transfer encoding that would break long link lines.
 */
export function quoteBlock(text: string): string[] {
  return text
    .split(LINE_BREAKS)
    .flatMap((line) => wrap(line.replace(HIDDEN, '\ufffd'), QUOTE_WIDTH))
    .map((line) => `> ${line}`.trimEnd());
}
