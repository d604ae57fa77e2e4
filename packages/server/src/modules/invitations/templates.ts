import { escapeHtml, type RenderedEmail } from '../../mail/templates';

/**
 * Invitation emails (docs/rules.md §4 "Invitations"): plain text and HTML. Every
 * interpolated value is escaped in the HTML part; links are built by the
 * server from PUBLIC_URL only.
 */

function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * A name as it may appear in a subject line: on one line, shortened to 40
 * characters and in quotes, so a workspace named like a phishing lure
 * ("Your account is suspended — verify now") reads as a quoted name, not as
 * the email's own words (issue 14).
 */
export function quotedName(value: string, max = 40): string {
  const flat = oneLine(value).replace(/["\u201c\u201d]/g, "'");
  const chars = [...flat];
  const short =
    chars.length > max
      ? `${chars
          .slice(0, max - 1)
          .join('')
          .trimEnd()}…`
      : flat;
  return `“${short}”`;
}

function html(title: string, paragraphs: string[], action: { label: string; url: string }): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font:15px/1.5 system-ui,sans-serif;color:#1f2933;max-width:36rem;margin:2rem auto;padding:0 1rem">
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>
<p style="color:#57606a;font-size:13px">Or paste this link into your browser: ${escapeHtml(action.url)}</p>
<p style="color:#57606a;font-size:13px">Atrium</p>
</body></html>`;
}

function where(workspace: string, agents: string[]): string {
  return agents.length > 0 ? `${agents.join(', ')} in ${workspace}` : workspace;
}

/** "You're invited": a single-use link, to any address (with an account or not). */
export function invitationTemplate(v: {
  inviter: string;
  workspace: string;
  agents: string[];
  url: string;
  expiresInDays: number;
}): RenderedEmail {
  const subject = oneLine(`${quotedName(v.inviter)} invited you to ${quotedName(v.workspace)} on Atrium`);
  const target = where(v.workspace, v.agents);
  return {
    template: 'invitation',
    subject,
    text: `${v.inviter} invited you to ${target} on Atrium.\n\nAccept the invitation (sign up or sign in with this email address):\n\n${v.url}\n\nThe link works once and expires in ${v.expiresInDays} days. If you were not expecting this, ignore this email.\n`,
    html: html(
      subject,
      [
        `${escapeHtml(v.inviter)} invited you to <strong>${escapeHtml(target)}</strong> on Atrium.`,
        'Sign up or sign in with this email address to join.',
        `The link works once and expires in ${v.expiresInDays} days. If you were not expecting this, ignore this email.`,
      ],
      { label: 'Accept invitation', url: v.url },
    ),
  };
}
