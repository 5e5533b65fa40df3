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

/** Builds the raw RFC 5322 message (multipart/alternative, text then HTML, both quoted-printable). */
export function buildMimeMessage(mail: OutgoingMail, options: MimeOptions): { raw: string; messageId: string } {
  const boundary = `hitl-${randomUUID()}`;
  const messageId = `<${randomUUID()}@${options.domain ?? options.from.split('@')[1] ?? 'localhost'}>`;
  const extra = Object.entries(mail.headers ?? {}).map(([name, value]) => {
    if (!/^X-[A-Za-z0-9-]+$/.test(name)) throw new Error(`extra header ${name} must be an X- header`);
    return `${name}: ${headerValue(value)}`;
  });
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=UTF-8`, 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(body)].join(CRLF);
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
    part('text/plain', mail.text),
    part('text/html', mail.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
  return { raw, messageId };
}
