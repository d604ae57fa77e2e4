import { describe, expect, it } from 'vitest';
import { invitationTemplate, quotedName } from './templates';

describe('invitation email subjects (issue 14, no mail cannon)', () => {
  it('show the workspace and inviter names only quoted and shortened', () => {
    const mail = invitationTemplate({
      inviter: 'Mallory',
      workspace: 'Your account is suspended — verify your password now at the link below or lose access',
      agents: [],
      url: 'https://atrium.example/invitations/accept?token=x',
      expiresInDays: 7,
    });
    expect(mail.subject).toBe(
      '“Mallory” invited you to “Your account is suspended — verify your…” on Atrium',
    );
    expect(mail.subject.length).toBeLessThan(100);
  });

  it('keeps short names whole, on one line, without their own quotes', () => {
    expect(quotedName('Acme\nSupport')).toBe('“Acme Support”');
    expect(quotedName('The "Best" Team')).toBe("“The 'Best' Team”");
  });
});
