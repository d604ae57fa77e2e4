/**
 * Email templates: one small typed function per message, each giving the
 * subject, a plain-text body and an HTML body. Every interpolated value is
 * HTML-escaped in the HTML part; links are only ever built by the server
 * from PUBLIC_URL, never taken from input.
 */

export interface RenderedEmail {
  template: string;
  subject: string;
  text: string;
  html: string;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title: string, paragraphs: string[], action?: { label: string; url: string }): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  const button = action
    ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>
<p style="color:#57606a;font-size:13px">Or paste this link into your browser: ${escapeHtml(action.url)}</p>`
    : '';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font:15px/1.5 system-ui,sans-serif;color:#1f2933;max-width:36rem;margin:2rem auto;padding:0 1rem">
${body}
${button}
<p style="color:#57606a;font-size:13px">Atrium</p>
</body></html>`;
}

/** "Confirm your email": the link proves the address (single-use, expiring). */
export function verifyEmailTemplate(v: { name: string; url: string; expiresInHours: number }): RenderedEmail {
  const subject = 'Confirm your email address for Atrium';
  return {
    template: 'verify_email',
    subject,
    text: `Hello ${v.name},\n\nConfirm your email address by opening this link:\n\n${v.url}\n\nThe link works once and expires in ${v.expiresInHours} hours. If you did not create an Atrium account, ignore this email.\n`,
    html: layout(
      subject,
      [
        `Hello ${escapeHtml(v.name)},`,
        'Confirm your email address for Atrium.',
        `The link works once and expires in ${v.expiresInHours} hours. If you did not create an Atrium account, ignore this email.`,
      ],
      { label: 'Confirm email', url: v.url },
    ),
  };
}

/** "Reset your password": single-use, short-lived. */
export function resetPasswordTemplate(v: {
  name: string;
  url: string;
  expiresInMinutes: number;
}): RenderedEmail {
  const subject = 'Reset your Atrium password';
  return {
    template: 'reset_password',
    subject,
    text: `Hello ${v.name},\n\nSomeone (hopefully you) asked to reset your Atrium password. Choose a new one here:\n\n${v.url}\n\nThe link works once and expires in ${v.expiresInMinutes} minutes. If you did not ask for this, ignore this email: your password stays as it is.\n`,
    html: layout(
      subject,
      [
        `Hello ${escapeHtml(v.name)},`,
        'Someone (hopefully you) asked to reset your Atrium password.',
        `The link works once and expires in ${v.expiresInMinutes} minutes. If you did not ask for this, ignore this email: your password stays as it is.`,
      ],
      { label: 'Choose a new password', url: v.url },
    ),
  };
}

/** Sent after a password change or reset, so an account owner notices a takeover. */
export function passwordChangedTemplate(v: { name: string }): RenderedEmail {
  const subject = 'Your Atrium password was changed';
  return {
    template: 'password_changed',
    subject,
    text: `Hello ${v.name},\n\nThe password of your Atrium account was just changed and your other sessions were signed out. If this was not you, reset your password now.\n`,
    html: layout(subject, [
      `Hello ${escapeHtml(v.name)},`,
      'The password of your Atrium account was just changed and your other sessions were signed out. If this was not you, reset your password now.',
    ]),
  };
}
