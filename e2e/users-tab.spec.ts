import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleWatch,
  debugShot,
  launchBrowser,
  newPerson,
  type RunningServer,
  shot,
  startServer,
} from './harness';

/**
 * Issue 8, end to end in a real browser: an admin invites a new address, the
 * mail arrives in the dev mailbox, the invitee signs up through the link, the
 * admin sets Build to Read and Knowledge to Edit, the invitee's console shows
 * exactly that, a preset change and a policy cap show up at once, and the
 * Activity tab shows each step. Fails on any browser console error.
 */

const PASSWORD = 'correct horse battery staple 42';
const ADMIN = { name: 'Ada Admin', email: 'ada@acme.test' };
const INVITEE = { name: 'Max Member', email: 'max@acme.test' };
const WORKSPACE = 'Acme Support';

let server: RunningServer;
let browser: Browser;
const watch: ConsoleWatch = { errors: [] };
let admin: Page;
let invitee: Page;
let workspaceUrl = '';
let invitationLink = '';

/** What the invitee's "Your access" panel shows: visible areas, and each visible item's level. */
async function visibleAccess(page: Page) {
  const panel = page.getByTestId('my-access');
  await panel.waitFor();
  const areas = await panel
    .locator('[data-my-area]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-my-area')));
  const items = await panel
    .locator('[data-my-item]')
    .evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-my-item'), e.getAttribute('data-level')])),
    );
  return { areas, items: items as Record<string, string> };
}

/** Chooses an option of a Mantine Select by its label. */
async function choose(page: Page, label: string | RegExp, option: string | RegExp) {
  await page
    .getByRole('combobox', { name: label })
    .or(page.getByRole('textbox', { name: label }))
    .first()
    .click();
  await page.getByRole('option', { name: option }).click();
}

async function openInviteeHome() {
  await invitee.goto(`${workspaceUrl}/agents`);
  await invitee.getByTestId('my-access').waitFor();
}

describe('the Users tab, in Chromium', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = (await newPerson(browser, server.url, watch)).page;
    invitee = (await newPerson(browser, server.url, watch)).page;
  });

  // On a failure, keep what each person was looking at (e2e/artifacts/failed-*.png).
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await debugShot(admin, 'failed-admin').catch(() => undefined);
    await debugShot(invitee, 'failed-invitee').catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an admin signs up, creates a workspace and an agent', async () => {
    await admin.goto('/');
    await admin.waitForURL(/\/sign-in/);
    await admin.getByRole('heading', { name: 'Sign in to Atrium' }).waitFor();
    await shot(admin, '01-sign-in');
    await admin.getByRole('link', { name: 'Create an account' }).click();
    await admin.getByRole('textbox', { name: 'Full name', exact: true }).fill(ADMIN.name);
    await admin.getByRole('textbox', { name: 'Work email', exact: true }).fill(ADMIN.email);
    await admin.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await admin.getByRole('button', { name: 'Create account' }).click();
    await admin.waitForURL(/\/workspaces\/new/);
    await admin.getByRole('textbox', { name: 'Workspace name', exact: true }).fill(WORKSPACE);
    await shot(admin, '02-create-workspace');
    await admin.getByRole('button', { name: 'Create workspace' }).click();
    await admin.waitForURL(/\/w\/[0-9a-f-]+\/users/);
    workspaceUrl = new URL(admin.url()).pathname.replace(/\/users$/, '');

    await admin.getByRole('tab', { name: 'Agents' }).click();
    await admin.getByRole('button', { name: 'Create agent' }).click();
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Support Concierge');
    await admin.getByRole('dialog').getByRole('button', { name: 'Create agent' }).click();
    await admin.waitForURL(/\/agents\/[0-9a-f-]+$/);
    await admin.getByRole('heading', { name: 'Support Concierge' }).waitFor();
    await admin.goto(`${workspaceUrl}/agents`);
    await admin.locator('[data-agent="Support Concierge"]').waitFor();
    await shot(admin, '03-agents');
  });

  // Only a confirmed address may send invitations (issue 14: no mail cannon).
  it('the admin confirms their own address from the verification email', async () => {
    await admin.goto(`${workspaceUrl}/agents`);
    await admin.getByText('Confirm your email address').waitFor();
    await admin.goto('/dev/mailbox');
    await admin.getByLabel('Filter by recipient').fill(ADMIN.email);
    await admin.locator(`[data-mail-to="${ADMIN.email}"]`).first().click();
    await admin.getByTestId('mail-body').locator('a[data-mail-link]').first().click();
    await admin.getByText('Email confirmed').waitFor();
    await admin.waitForURL(new RegExp(`${workspaceUrl}/agents$`));
    await admin.getByText('Confirm your email address').waitFor({ state: 'detached' });
  });

  it('the admin invites a new address, and the mail arrives in the dev mailbox', async () => {
    await admin.goto(`${workspaceUrl}/users`);
    await admin.locator(`[data-member="${ADMIN.email}"]`).waitFor();
    await admin.getByRole('button', { name: 'Invite people' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Invite people' });
    await dialog.getByLabel('Email addresses').fill(INVITEE.email);
    await dialog.getByLabel('Email addresses').press('Enter');
    await choose(admin, 'Permissions', 'No permissions yet');
    await shot(admin, '04-invite-dialog');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByText('Results').waitFor();
    expect(await dialog.getByRole('listitem').first().textContent()).toContain(INVITEE.email);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await admin.locator(`[data-invitation="${INVITEE.email}"]`).waitFor();
    await shot(admin, '05-users-pending-invitation');

    await admin.goto('/dev/mailbox');
    await admin.getByLabel('Filter by recipient').fill(INVITEE.email);
    await admin.locator(`[data-mail-to="${INVITEE.email}"]`).first().click();
    await admin.getByTestId('mail-body').waitFor();
    invitationLink =
      (await admin.getByTestId('mail-body').locator('a[data-mail-link]').first().getAttribute('href')) ?? '';
    await shot(admin, '06-dev-mailbox');
  });

  it('the invitee signs up through the link in the email', async () => {
    expect(invitationLink).toMatch(/\/invitations\/accept\?token=/);
    await invitee.goto(invitationLink);
    await invitee.getByRole('heading', { name: `Join ${WORKSPACE}` }).waitFor();
    await invitee.getByRole('textbox', { name: 'Full name', exact: true }).fill(INVITEE.name);
    await invitee.getByRole('textbox', { name: 'Choose a password', exact: true }).fill(PASSWORD);
    await shot(invitee, '07-accept-invitation');
    await invitee.getByRole('button', { name: 'Create account and join' }).click();
    await invitee.waitForURL(new RegExp(`${workspaceUrl}/agents$`));
    await invitee.getByText('You have no permissions here yet').waitFor();
    // A member does not see the admin-only tabs (docs/rules.md §2).
    await invitee.getByRole('tab', { name: 'Users' }).waitFor();
    expect(await invitee.getByRole('tab', { name: 'API Keys' }).count()).toBe(0);
    expect(await invitee.getByRole('tab', { name: 'Activity' }).count()).toBe(0);
  });

  it('the admin sets Build to Read and Knowledge to Edit; the invitee sees exactly that', async () => {
    await admin.goto(`${workspaceUrl}/users`);
    await admin.locator(`[data-member="${INVITEE.email}"]`).waitFor();
    await shot(admin, '08-users');
    await admin.getByRole('link', { name: INVITEE.name }).click();
    await admin.getByRole('heading', { name: INVITEE.name }).waitFor();

    const build = admin.locator('[data-area="build"]');
    await build
      .getByRole('radiogroup', { name: 'Build level (all items)' })
      .getByText('Read', { exact: true })
      .click();
    await build.getByRole('button', { name: 'Expand Build items' }).click();
    await build.locator('[data-permission="build.knowledge"]').getByText('Edit', { exact: true }).click();
    await build.getByText('Mixed', { exact: true }).waitFor();
    await shot(admin, '09-permission-editor');
    await admin.getByRole('button', { name: 'Save permissions' }).click();
    await admin.getByText('Permissions saved').waitFor();

    await openInviteeHome();
    const seen = await visibleAccess(invitee);
    expect(seen.areas).toEqual(['build']);
    expect(seen.items['build.knowledge']).toBe('edit');
    const others = Object.entries(seen.items).filter(([p]) => p !== 'build.knowledge');
    expect(others).toHaveLength(9);
    expect(others.every(([p, l]) => p.startsWith('build.') && l === 'read')).toBe(true);
    await shot(invitee, '10-member-home');
  });

  it('a preset change shows up at once', async () => {
    await admin.locator('label', { hasText: 'A preset' }).click();
    await choose(admin, 'Preset', 'Knowledge editor');
    await admin.getByRole('button', { name: 'Save permissions' }).click();
    await admin.getByText('Permissions saved').first().waitFor();

    await openInviteeHome();
    const seen = await visibleAccess(invitee);
    // knowledge_editor (docs/rules.md §2): analytics read, build read with knowledge edit, channels read.
    expect(seen.areas).toEqual(['analytics', 'build', 'channels']);
    expect(seen.items['analytics.conversations']).toBe('read');
    expect(seen.items['build.knowledge']).toBe('edit');
    expect(seen.items['channels.chat']).toBe('read');
    expect(seen.items['analytics.conversation_pii']).toBeUndefined();
  });

  it('a policy cap shows up at once, explained on the admin side', async () => {
    await admin.goto(`${workspaceUrl}/settings`);
    await admin
      .locator('[data-policy="conversations_hidden"]')
      .locator('xpath=ancestor::*[contains(@class,"mantine-Switch-root")][1]')
      .locator('label')
      .first()
      .click();
    await admin.getByText(/Hide conversations: on/).waitFor();
    await shot(admin, '11-settings');

    await openInviteeHome();
    const seen = await visibleAccess(invitee);
    expect(seen.items['analytics.conversations']).toBeUndefined();
    expect(seen.items['analytics.smart_analyst']).toBe('read');

    await admin.goto(`${workspaceUrl}/users`);
    await admin.getByRole('link', { name: INVITEE.name }).click();
    await admin.getByRole('tab', { name: 'Effective access' }).click();
    const row = admin.locator('[data-effective="analytics.conversations"]');
    await row.waitFor();
    expect(await row.getAttribute('data-level')).toBe('none');
    expect(await row.textContent()).toMatch(/Capped at None by the “Conversations hidden” policy/);
    expect(await admin.locator('[data-effective="build.knowledge"]').textContent()).toMatch(
      /Workspace preset “Knowledge editor” → Edit/,
    );
    await shot(admin, '12-effective-access');
  });

  it('editing a custom preset changes the linked member at once, and its versions compare', async () => {
    await admin.goto(`${workspaceUrl}/settings`);
    await admin.getByRole('button', { name: 'Copy Knowledge editor' }).click();
    const editor = admin.getByRole('dialog', { name: 'New custom preset' });
    await editor.getByRole('textbox', { name: 'Name', exact: true }).fill('Support content team');
    await editor.getByRole('button', { name: 'Create preset' }).click();
    await admin.locator('[data-preset]').filter({ hasText: 'Support content team' }).waitFor();

    await admin.goto(`${workspaceUrl}/users`);
    await admin.getByRole('link', { name: INVITEE.name }).click();
    await choose(admin, 'Preset', 'Support content team');
    await admin.getByRole('button', { name: 'Save permissions' }).click();
    await admin.getByText('Permissions saved').first().waitFor();
    await openInviteeHome();
    expect((await visibleAccess(invitee)).areas).toEqual(['analytics', 'build', 'channels']);

    await admin.goto(`${workspaceUrl}/settings`);
    await admin.getByRole('button', { name: 'Edit Support content team' }).click();
    const edit = admin.getByRole('dialog', { name: 'Edit Support content team' });
    await edit
      .locator('[data-area="deployments"]')
      .getByRole('radiogroup', { name: 'Deployments level (all items)' })
      .getByText('Read', { exact: true })
      .click();
    await edit.getByRole('button', { name: 'Save new version' }).click();
    await admin.getByText('Support content team saved as a new version').waitFor();

    // Linked, not copied: the member has the new version's permissions at once (docs/rules.md §2).
    await openInviteeHome();
    const seen = await visibleAccess(invitee);
    expect(seen.areas).toEqual(['analytics', 'build', 'channels', 'deployments']);
    expect(seen.items['deployments.environments']).toBe('read');

    await admin.getByRole('button', { name: 'Versions of Support content team' }).click();
    const versions = admin.getByRole('dialog', { name: 'Versions of Support content team' });
    const diff = versions.getByRole('table', { name: 'Differences between the versions' });
    await diff.waitFor();
    expect(await diff.textContent()).toMatch(/Environments.*None.*Read/);
    await shot(admin, '13-preset-versions');
    await admin.keyboard.press('Escape');
  });

  it('a bulk edit merges only the items it names', async () => {
    await admin.goto(`${workspaceUrl}/users`);
    await admin.getByRole('checkbox', { name: `Select ${INVITEE.name}` }).check();
    await admin.getByRole('button', { name: 'Edit permissions' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Edit permissions of 1 members' });
    await dialog.locator('label', { hasText: 'Merge: change only the items I set' }).click();
    await dialog
      .locator('[data-area="configure"]')
      .getByRole('radiogroup', { name: 'Configure level (all items)' })
      .getByText('Read', { exact: true })
      .click();
    await dialog.getByRole('button', { name: 'Merge permissions' }).click();
    await admin.getByText('Permissions merged for 1 member').waitFor();

    await openInviteeHome();
    const seen = await visibleAccess(invitee);
    // Configure was added; what the preset gave (knowledge edit, deployments read) stayed.
    expect(seen.areas).toEqual(['analytics', 'build', 'channels', 'configure', 'deployments']);
    expect(seen.items['configure.general']).toBe('read');
    expect(seen.items['build.knowledge']).toBe('edit');
    expect(seen.items['deployments.environments']).toBe('read');
  });

  it('the Activity tab shows each step, on an intact chain', async () => {
    await admin.goto(`${workspaceUrl}/activity`);
    await admin.getByTestId('activity-table').waitFor();
    await admin
      .getByTestId('chain-status')
      .getByText(/Chain intact/)
      .waitFor();
    const actions = await admin
      .locator('[data-action]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    for (const step of [
      'workspace.created',
      'agent.created',
      'invitation.created',
      'invitation.accepted',
      'permissions.updated',
      'policies.updated',
      'preset.created',
      'preset.updated',
    ]) {
      expect(actions, `activity should show ${step}`).toContain(step);
    }
    expect(actions.filter((a) => a === 'permissions.updated').length).toBeGreaterThanOrEqual(2);
    await shot(admin, '14-activity');
  });

  it('invitations to chosen agents can be resent and revoked', async () => {
    const LEE = 'lee@acme.test';
    await admin.goto(`${workspaceUrl}/users`);
    await admin.getByRole('button', { name: 'Invite people' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Invite people' });
    await dialog.getByLabel('Email addresses').fill(LEE);
    await dialog.getByLabel('Email addresses').press('Enter');
    await dialog.locator('label', { hasText: 'Specific agents' }).click();
    await choose(admin, 'Agents', 'Support Concierge');
    await admin.keyboard.press('Escape');
    await choose(admin, 'Permissions', 'Content editor');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = admin.locator(`[data-invitation="${LEE}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Support Concierge');

    await row.getByRole('button', { name: `Resend the invitation to ${LEE}` }).click();
    await admin.getByText('Invitation sent again').waitFor();
    await row.getByRole('button', { name: `Revoke the invitation to ${LEE}` }).click();
    await admin.getByText('Invitation revoked').waitFor();
    await row.waitFor({ state: 'detached' });
  });

  it('the other tabs render: API keys (secret shown once) and the agent page', async () => {
    await admin.goto(`${workspaceUrl}/api-keys`);
    await admin.getByRole('button', { name: 'Create API key' }).click();
    await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Agent platform backend');
    await admin.getByRole('dialog').getByRole('button', { name: 'Create key' }).click();
    const secret = await admin.getByTestId('api-key-secret').textContent();
    expect(secret).toMatch(/^atr_/);
    await shot(admin, '15-api-key-created');
    await admin.getByRole('button', { name: 'I have copied it' }).click();
    await admin.getByRole('table', { name: 'API keys' }).getByText('Agent platform backend').waitFor();
    // The list never shows the secret again.
    expect(await admin.locator('body').textContent()).not.toContain(secret!);
    await shot(admin, '16-api-keys');
  });

  it('the permission matrix works from the keyboard', async () => {
    await admin.goto(`${workspaceUrl}/users`);
    await admin.getByRole('link', { name: INVITEE.name }).click();
    await admin.locator('label', { hasText: 'Custom' }).click();
    const channels = admin.locator('[data-area="channels"]');
    const toggle = channels.getByRole('button', { name: 'Expand Channels items' });
    await toggle.focus();
    await admin.keyboard.press('Enter');
    expect(
      await channels.getByRole('button', { name: 'Collapse Channels items' }).getAttribute('aria-expanded'),
    ).toBe('true');
    // Arrow keys move the level of the focused radio group (Read → Edit), like any radio group.
    const group = channels.getByRole('radiogroup', { name: 'Channels level (all items)' });
    await group.getByRole('radio', { checked: true }).focus();
    await admin.keyboard.press('ArrowRight');
    expect(await group.getByRole('radio', { checked: true }).getAttribute('value')).toBe('edit');
    expect(
      await channels
        .locator('[data-permission="channels.voice"]')
        .getByRole('radio', { checked: true })
        .getAttribute('value'),
    ).toBe('edit');
    await admin.getByText('Unsaved changes').waitFor();
    await admin.getByRole('button', { name: 'Discard' }).click();
    await admin.getByText('Unsaved changes').waitFor({ state: 'detached' });
  });

  it('is usable at 1024 px wide', async () => {
    await admin.setViewportSize({ width: 1024, height: 768 });
    await admin.goto(`${workspaceUrl}/users`);
    await admin.locator(`[data-member="${INVITEE.email}"]`).waitFor();
    const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(admin, '17-users-1024');
    await admin.setViewportSize({ width: 1280, height: 860 });
  });

  it('billing, help and the agent page render against the real API', async () => {
    await admin.goto(`${workspaceUrl}/billing`);
    await admin.getByRole('button', { name: 'Add card' }).click();
    await admin.getByRole('textbox', { name: 'Card number', exact: true }).fill('4242 4242 4242 4242');
    await admin.getByRole('textbox', { name: 'CVC', exact: true }).fill('123');
    await admin.getByRole('dialog').getByRole('button', { name: 'Add card' }).click();
    await admin.getByText('•••• 4242').waitFor();
    expect(await admin.locator('body').textContent()).not.toContain('4242 4242 4242 4242');
    await shot(admin, '18-billing');

    await admin.goto(`${workspaceUrl}/help`);
    await admin.getByRole('button', { name: 'New ticket' }).click();
    await admin
      .getByRole('textbox', { name: 'Subject', exact: true })
      .fill('Widget colours reset after publishing');
    await admin
      .getByRole('textbox', { name: 'What happened?', exact: true })
      .fill('After publishing, the chat widget went back to the default colours.');
    await admin.getByRole('dialog').getByRole('button', { name: 'File ticket' }).click();
    await admin
      .getByRole('table', { name: 'Tickets' })
      .getByText('Widget colours reset after publishing')
      .waitFor();
    await shot(admin, '19-help');

    await admin.goto(`${workspaceUrl}/agents`);
    await admin.locator('[data-agent="Support Concierge"]').click();
    await admin.getByRole('table', { name: 'Users of this agent' }).getByText(ADMIN.email).waitFor();
    await shot(admin, '20-agent');
  });

  it('a member reads the Users tab but cannot change anyone, themselves included', async () => {
    await invitee.goto(`${workspaceUrl}/users`);
    await invitee.locator(`[data-member="${ADMIN.email}"]`).waitFor();
    expect(await invitee.getByRole('button', { name: 'Invite people' }).count()).toBe(0);
    expect(await invitee.getByRole('checkbox').count()).toBe(0);
    await invitee.getByRole('link', { name: INVITEE.name }).click();
    await invitee.getByText('This is you. Nobody edits their own role or permissions').waitFor();
    expect(await invitee.getByRole('button', { name: 'Save permissions' }).count()).toBe(0);
    expect(await invitee.locator('[data-area] [role="radiogroup"]').count()).toBe(0);
    const role = invitee.getByRole('combobox', { name: 'Workspace role' });
    expect(
      await role
        .or(invitee.getByRole('textbox', { name: 'Workspace role' }))
        .first()
        .isDisabled(),
    ).toBe(true);
  });

  it('the invitee resets their password, creates a workspace and switches between workspaces', async () => {
    await invitee.goto(`${workspaceUrl}/agents`);
    await invitee.getByRole('button', { name: `Account menu for ${INVITEE.name}` }).click();
    await invitee.getByRole('menuitem', { name: 'Sign out' }).click();
    await invitee.waitForURL(/\/sign-in/);
    await invitee.getByRole('link', { name: 'Forgot your password?' }).click();
    await invitee.getByRole('textbox', { name: 'Email', exact: true }).fill(INVITEE.email);
    await invitee.getByRole('button', { name: 'Email me a link' }).click();
    await invitee.getByText('Check your inbox').waitFor();

    await admin.goto('/dev/mailbox');
    await admin.getByLabel('Filter by recipient').fill(INVITEE.email);
    await admin.locator(`[data-mail-to="${INVITEE.email}"]`).first().waitFor();
    await admin
      .locator(`[data-mail-to="${INVITEE.email}"]`)
      .filter({ hasText: /password/i })
      .first()
      .click();
    const resetLink = await admin
      .getByTestId('mail-body')
      .locator('a[data-mail-link]')
      .first()
      .getAttribute('href');
    expect(resetLink).toMatch(/\/reset-password#token=/);

    const NEW_PASSWORD = 'a brand new passphrase for max';
    await invitee.goto(resetLink!);
    await invitee.getByRole('textbox', { name: 'New password', exact: true }).fill(NEW_PASSWORD);
    await invitee.getByRole('button', { name: 'Set password' }).click();
    await invitee.waitForURL(/\/sign-in/);
    await invitee.getByRole('textbox', { name: 'Email', exact: true }).fill(INVITEE.email);
    await invitee.getByRole('textbox', { name: 'Password', exact: true }).fill(NEW_PASSWORD);
    await invitee.getByRole('button', { name: 'Sign in' }).click();
    await invitee.waitForURL(new RegExp(`${workspaceUrl}/agents$`));

    await invitee.getByRole('button', { name: /^Workspace: Acme Support/ }).click();
    await invitee.getByRole('menuitem', { name: 'Create a workspace' }).click();
    await invitee.getByRole('textbox', { name: 'Workspace name', exact: true }).fill('Max Lab');
    await invitee.getByRole('button', { name: 'Create workspace' }).click();
    await invitee.getByRole('heading', { name: 'Max Lab' }).waitFor();
    await invitee.getByRole('button', { name: /^Workspace: Max Lab/ }).click();
    await invitee.getByRole('menuitem', { name: /Acme Support/ }).click();
    await invitee.waitForURL(new RegExp(`${workspaceUrl}/agents$`));
    await invitee.getByRole('heading', { name: WORKSPACE }).waitFor();
  });

  it('a member who creates an agent manages its users, and invites to it only', async () => {
    await invitee.goto(`${workspaceUrl}/agents`);
    await invitee.getByRole('button', { name: 'Create agent' }).click();
    await invitee.getByRole('textbox', { name: 'Name', exact: true }).fill('Max Bot');
    await invitee.getByRole('dialog').getByRole('button', { name: 'Create agent' }).click();
    await invitee.getByRole('heading', { name: 'Max Bot' }).waitFor();
    // The creator is the agent's admin (docs/rules.md §2) and gets its users panel.
    await invitee.getByRole('table', { name: 'Users of this agent' }).getByText(INVITEE.email).waitFor();

    await invitee.goto(`${workspaceUrl}/users`);
    await invitee.getByRole('button', { name: 'Invite people' }).click();
    const dialog = invitee.getByRole('dialog', { name: 'Invite people' });
    // Not a workspace admin: only agent invitations, to their own agents.
    expect(await dialog.getByRole('radio', { name: 'The whole workspace' }).isDisabled()).toBe(true);
    await dialog
      .getByRole('combobox', { name: 'Agents' })
      .or(dialog.getByRole('textbox', { name: 'Agents' }))
      .first()
      .click();
    const options = await invitee.getByRole('option').allTextContents();
    expect(options).toEqual(['Max Bot']);
    await invitee.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('left no error in the browser console', () => {
    expect(watch.errors).toEqual([]);
  });
});
