import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestOidcProvider } from '../packages/server/test/oidc-provider';
import {
  type ConsoleWatch,
  freePort,
  launchBrowser,
  newPerson,
  type RunningServer,
  shot,
  startServer,
} from './harness';

/**
 * Single sign-on from the console, against a real OpenID provider
 * (oidc-provider on a loopback port, its development login and consent
 * pages): the sign-in page offers the button only because SSO is configured,
 * the round trip signs the person in, and SSO grants nothing (docs/rules.md §4: a new
 * SSO user has no workspace, so the console offers to create one).
 */
describe('single sign-on, in Chromium', () => {
  let server: RunningServer;
  let provider: TestOidcProvider;
  let browser: Browser;
  let page: Page;
  const watch: ConsoleWatch = { errors: [] };

  beforeAll(async () => {
    // The provider must know Atrium's callback URL and Atrium the provider's issuer: choose
    // Atrium's port first, start the provider for it, then Atrium on it.
    const port = await freePort();
    provider = await startOidcProvider(`http://127.0.0.1:${port}/v1/auth/sso/callback`);
    provider.setAccount('sam-sso', { email: 'sam.sso@acme.test', email_verified: true, name: 'Sam Sso' });
    server = await startServer({
      port,
      config: () => ({
        oidc: {
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          providerName: 'Acme Identity',
        },
      }),
    });
    browser = await launchBrowser();
    page = (await newPerson(browser, server.url, watch)).page;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.close();
  });

  it('signs in through the provider and lands with no access granted', async () => {
    await page.goto('/sign-in');
    const button = page.getByRole('link', { name: 'Continue with Acme Identity' });
    await button.waitFor();
    await shot(page, 'sso-sign-in');
    await button.click();
    // The provider's own (development) login and consent pages.
    await page.locator('input[name="login"]').fill('sam-sso');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').first().click();
    await page.locator('button[type="submit"]').first().click();
    await page.waitForURL(/\/workspaces\/new/);
    await page.getByRole('heading', { name: 'Create a workspace' }).waitFor();
    expect(await page.getByText('Sam Sso').first().textContent()).toContain('Sam Sso');
  });

  it('left no error in the browser console on Atrium pages', () => {
    const ours = watch.errors.filter((e) => e.includes(server.url));
    expect(ours).toEqual([]);
  });
});
