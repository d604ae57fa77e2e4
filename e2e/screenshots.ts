/**
 * Takes the README's screenshots (docs/screenshots/*.png) of the console on a
 * lived-in demo workspace: the demo seed, plus a few colleagues invited and
 * joined through the real API (invitation → dev mailbox → accept), presets,
 * a custom matrix, a policy, an API key and a pending invitation.
 *
 *   npm run build -w @atrium/console && npx tsx e2e/screenshots.ts
 *
 * Not part of CI (the browser suite already saves a screenshot of every main
 * page to e2e/artifacts on each run); run it when the console's look changes.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seedDemoResources } from '../packages/server/src/modules/agent-resources/demo';
import { DEMO_ADMIN_EMAIL, DEMO_MEMBER_EMAIL, seedDemo } from '../packages/server/src/modules/demo/seed';
import { launchBrowser, newPerson, startServer } from './harness';

const OUT = path.resolve(import.meta.dirname, '../docs/screenshots');
const PASSWORD = 'atrium-demo-password';

/** A tiny cookie-keeping API client (one person), for setting the scene quickly. */
class Person {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async call<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = this.cookies.get('atrium_csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${this.base}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

async function inviteAndJoin(
  admin: Person,
  base: string,
  ws: string,
  who: { name: string; email: string },
  grant: Record<string, unknown>,
) {
  await admin.call('POST', `/v1/workspaces/${ws}/invitations`, {
    emails: [who.email],
    role: 'member',
    ...grant,
  });
  const { messages } = await admin.call<{ messages: Array<{ id: string }> }>(
    'GET',
    `/v1/dev/mailbox?to=${encodeURIComponent(who.email)}`,
  );
  const mail = await admin.call<{ text: string }>('GET', `/v1/dev/mailbox/${messages[0]!.id}`);
  const token = /token=([\w-]+)/.exec(mail.text)?.[1];
  const person = new Person(base);
  await person.call('POST', '/v1/invitations/accept', { token, name: who.name, password: PASSWORD });
  const me = await person.call<{ user: { id: string } }>('GET', '/v1/me');
  return { ...who, id: me.user.id, person };
}

async function snap(page: Page, name: string, fullPage = false) {
  await page.addStyleTag({ content: '.mantine-Notifications-root{display:none!important}' });
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const demo = await seedDemo(server.app.db, PASSWORD);
    await seedDemoResources(server.app.db, demo.workspaceId);
    const ws = demo.workspaceId;
    const admin = new Person(server.url);
    await admin.call('POST', '/v1/auth/sign-in', { email: DEMO_ADMIN_EMAIL, password: PASSWORD });
    const { agents } = await admin.call<{ agents: Array<{ id: string; name: string }> }>(
      'GET',
      `/v1/workspaces/${ws}/agents`,
    );
    const concierge = agents.find((a) => a.name === 'Support Concierge')!;
    const voice = agents.find((a) => a.name === 'Voice Receptionist')!;

    const priya = await inviteAndJoin(
      admin,
      server.url,
      ws,
      { name: 'Priya Raman', email: 'priya@example.com' },
      { presetId: 'qa_analyst' },
    );
    const tomas = await inviteAndJoin(
      admin,
      server.url,
      ws,
      { name: 'Tomás Ortega', email: 'tomas@example.com' },
      {
        matrix: { build: 'read', 'build.knowledge': 'edit', analytics: 'read' },
      },
    );
    await inviteAndJoin(
      admin,
      server.url,
      ws,
      { name: 'Mei Chen', email: 'mei@example.com' },
      { presetId: 'voice_specialist' },
    );
    const jonas = await inviteAndJoin(
      admin,
      server.url,
      ws,
      { name: 'Jonas Berg', email: 'jonas@example.com' },
      { presetId: 'builder' },
    );
    // A member's paid agent waits for an admin's approval (docs/rules.md §4).
    await jonas.person.call('POST', `/v1/workspaces/${ws}/agents`, { name: 'Sales Assistant', plan: 'pro' });
    await admin.call('POST', `/v1/workspaces/${ws}/agents/${voice.id}/members`, {
      userId: tomas.id,
      role: 'agent_admin',
    });
    await admin.call('POST', `/v1/workspaces/${ws}/agents/${concierge.id}/members`, {
      userId: priya.id,
      role: 'agent_user',
      presetId: 'conversation_analyst',
    });
    await admin.call('POST', `/v1/workspaces/${ws}/presets`, {
      name: 'Support content team',
      description: 'Keeps answers accurate: edits knowledge and flows, reads analytics.',
      copyFrom: 'knowledge_editor',
    });
    await admin.call('PUT', `/v1/workspaces/${ws}/policies`, { named: ['embedding_disabled'], caps: [] });
    await admin.call('POST', `/v1/workspaces/${ws}/api-keys`, {
      name: 'Agent platform backend',
      presetId: 'read_only_reviewer',
    });
    await admin.call('POST', `/v1/workspaces/${ws}/invitations`, {
      emails: ['sam@example.com', 'lee@example.com'],
      agents: [{ agentId: concierge.id, role: 'agent_user', presetId: 'content_editor' }],
    });

    const { page } = await newPerson(browser, server.url, { errors: [] }, { width: 1280, height: 800 });
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(DEMO_ADMIN_EMAIL);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await snap(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/w\//);

    await page.goto(`/w/${ws}/users`);
    await page.locator(`[data-member="${tomas.email}"]`).waitFor();
    await snap(page, 'users', true);

    await page.getByRole('button', { name: 'Invite people' }).click();
    const emails = page.getByRole('combobox', { name: 'Email addresses' });
    for (const address of ['alex@example.com', 'robin@example.com']) {
      await emails.fill(address);
      await emails.press('Enter');
    }
    await page.getByRole('dialog').getByText('Invite to').click();
    await snap(page, 'invite');
    await page.keyboard.press('Escape');

    await page.goto(`/w/${ws}/users/${tomas.id}`);
    await page.locator('[data-area="build"]').getByRole('button', { name: 'Expand Build items' }).click();
    await page
      .locator('[data-area="analytics"]')
      .getByRole('button', { name: 'Expand Analytics items' })
      .click();
    await snap(page, 'permissions', true);

    await page.getByRole('tab', { name: 'Effective access' }).click();
    await page.getByTestId('effective-access').waitFor();
    await snap(page, 'effective-access', true);

    await page.goto(`/w/${ws}/settings`);
    await page.getByRole('table', { name: 'Presets' }).waitFor();
    await snap(page, 'settings', true);

    await page.goto(`/w/${ws}/activity`);
    await page.getByTestId('activity-table').waitFor();
    await snap(page, 'activity');

    await page.goto(`/w/${ws}/agents`);
    await page.getByRole('table', { name: 'Agents' }).waitFor();
    await snap(page, 'agents');

    const member = (await newPerson(browser, server.url, { errors: [] }, { width: 1280, height: 800 })).page;
    await member.goto('/sign-in');
    await member.getByRole('textbox', { name: 'Email', exact: true }).fill(DEMO_MEMBER_EMAIL);
    await member.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await member.getByRole('button', { name: 'Sign in' }).click();
    await member.waitForURL(/\/w\//);
    await member.getByTestId('my-access').waitFor();
    await snap(member, 'member-home');
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
