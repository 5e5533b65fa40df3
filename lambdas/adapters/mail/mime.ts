import { randomUUID } from 'node:crypto';
import type { OutgoingMail } from './mail-sender.ts';

const CRLF = '\r\n';
const MAX_QP_LINE = 76;

/**
 * Quoted-printable (RFC 2045): bytes outside printable ASCII, and `=`, as `=XX`; lines kept under
 * 76 characters with soft breaks; CRLF line ends. Plain readable text stays readable in the source.
 */
export function quotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .map((line) => {
      let encoded = '';
      const bytes = Buffer.from(line, 'utf8');
      for (let i = 0; i < bytes.length; i++) {
        const byte = bytes[i];
        const isLast = i === bytes.length - 1;
        const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !isLast);
        encoded += literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      const out: string[] = [];
      while (encoded.length > MAX_QP_LINE - 1) {
        let cutAt = MAX_QP_LINE - 1;
        // Never split an =XX escape.
        const escape = encoded.lastIndexOf('=', cutAt);
        if (escape > cutAt - 3) cutAt = escape;
        out.push(`${encoded.slice(0, cutAt)}=`);
        encoded = encoded.slice(cutAt);
      }
      out.push(encoded);
      return out.join(CRLF);
    })
    .join(CRLF);
}

/** RFC 5322: a line of a message is at most 998 octets before its CRLF. */
const MAX_LINE_OCTETS = 998;
const BASE64_LINE = 76;

/** How a body part travels, and the part as it then reads. */
interface EncodedBody {
  readonly encoding: '7bit' | '8bit' | 'quoted-printable' | 'base64';
  readonly body: string;
}

/**
 * A text part as it is, when every line fits in 998 octets: 7bit for ASCII, 8bit for UTF-8 (which
 * SES and today's mail servers carry). Then each line of the raw message is the line of the text, so
 * a link in it can be copied from the raw file and works. Only a text with a longer line falls back
 * to quoted-printable, whose soft breaks would cut a link in the raw file (a mail client joins them).
 */
export function plainTextBody(text: string): EncodedBody {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.some((line) => Buffer.byteLength(line, 'utf8') > MAX_LINE_OCTETS)) return { encoding: 'quoted-printable', body: quotedPrintable(text) };
  return { encoding: /^[\x00-\x7f]*$/.test(text) ? '7bit' : '8bit', body: lines.join(CRLF) };
}

/** Base64 in lines of 76 characters: for the HTML part, whose long lines no other encoding keeps whole. */
export function base64Body(text: string): EncodedBody {
  const encoded = Buffer.from(text.replace(/\r\n?/g, '\n').replace(/\n/g, CRLF), 'utf8').toString('base64');
  return { encoding: 'base64', body: encoded.match(new RegExp(`.{1,${BASE64_LINE}}`, 'g'))?.join(CRLF) ?? '' };
}

/** A header value: as is when plain ASCII, otherwise an RFC 2047 encoded word. */
export function headerValue(value: string): string {
  const single = value.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(single) ? single : `=?UTF-8?B?${Buffer.from(single, 'utf8').toString('base64')}?=`;
}

/** An address for a header: refuses anything that could smuggle another header or recipient. */
function address(value: string): string {
  if (!/^[^\s<>,;"@]+@[^\s<>,;"@]+$/.test(value)) throw new Error(`not a plain email address: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

export interface MimeOptions {
  readonly from: string;
  /** Host part of the Message-ID. */
  readonly domain?: string;
  readonly date?: Date;
}

/**
 * Builds the raw RFC 5322 message: multipart/alternative, the text part as is (7bit or 8bit, see
 * plainTextBody) and the HTML part in base64.
 */
export function buildMimeMessage(mail: OutgoingMail, options: MimeOptions): { raw: string; messageId: string } {
  const boundary = `hitl-${randomUUID()}`;
  const messageId = `<${randomUUID()}@${options.domain ?? options.from.split('@')[1] ?? 'localhost'}>`;
  const extra = Object.entries(mail.headers ?? {}).map(([name, value]) => {
    if (!/^X-[A-Za-z0-9-]+$/.test(name)) throw new Error(`extra header ${name} must be an X- header`);
    return `${name}: ${headerValue(value)}`;
  });
  const part = (type: string, { encoding, body }: EncodedBody) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=UTF-8`, `Content-Transfer-Encoding: ${encoding}`, '', body].join(CRLF);
  const raw = [
    `From: ${address(options.from)}`,
    `To: ${address(mail.to)}`,
    `Subject: ${headerValue(mail.subject)}`,
    `Date: ${(options.date ?? new Date()).toUTCString()}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    ...extra,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    part('text/plain', plainTextBody(mail.text)),
    part('text/html', base64Body(mail.html)),
    `--${boundary}--`,
    '',
  ].join(CRLF);
  return { raw, messageId };
}
