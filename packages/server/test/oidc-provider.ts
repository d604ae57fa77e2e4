import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** What the test OpenID provider says about an account. */
interface TestAccountClaims {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`: the issuer, for OIDC_ISSUER. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Adds or replaces an account (the login name is its subject). */
  setAccount(subject: string, claims: TestAccountClaims): void;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (`oidc-provider`) on a random loopback port, with
 * one confidential client whose redirect URI is Atrium's callback. Its
 * development login form accepts any login name; the account's claims come
 * from `setAccount`.
 */
export async function startOidcProvider(redirectUri: string): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccountClaims>();
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'atrium-test';
  const clientSecret = 'test-client-secret-not-used-anywhere-else';

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['oidc-test-cookie-key'] },
    async findAccount(_ctx, id) {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });
  handler = provider.callback();

  return {
    issuer,
    clientId,
    clientSecret,
    setAccount: (subject, claims) => accounts.set(subject, claims),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A minimal cookie jar keyed by host (enough for two loopback servers). */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  store(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const jar = this.byHost.get(url.host) ?? new Map<string, string>();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
      this.byHost.set(url.host, jar);
    }
  }

  header(url: URL): string {
    return [...(this.byHost.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(url: URL, name: string): string | undefined {
    return this.byHost.get(url.host)?.get(name);
  }
}

/**
 * Drives a browser through SSO with real HTTP: GET `startUrl` on Atrium,
 * follow redirects to the provider, submit its login form as `login` and its
 * consent form, and follow back until Atrium's callback has answered.
 * Returns Atrium's callback response (a redirect to the console) and the
 * callback URL the provider sent the browser to.
 */
export async function signInThroughProvider(
  startUrl: string,
  login: string,
  jar = new CookieJar(),
): Promise<{ callback: Response; jar: CookieJar; callbackUrl: URL | null }> {
  const app = new URL(startUrl);
  let url = new URL(startUrl);
  let init: RequestInit = {};
  for (let step = 0; step < 25; step++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) },
    });
    jar.store(url, res);
    if (url.host === app.host && url.pathname === '/v1/auth/sso/callback')
      return { callback: res, jar, callbackUrl: url };
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      if (!location) throw new Error(`redirect without location from ${url}`);
      url = new URL(location, url);
      init = {};
      if (url.host === app.host && url.pathname !== '/v1/auth/sso/callback') {
        // Atrium sent the browser back to the console without a callback (an error before the provider).
        return { callback: res, jar, callbackUrl: null };
      }
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action || !prompt) {
      throw new Error(`unexpected page at ${url} (${res.status}): ${html.slice(0, 300)}`);
    }
    url = new URL(action.replaceAll('&amp;', '&'), url);
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      form.set('login', login);
      form.set('password', 'any');
    }
    init = {
      method: 'POST',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error('too many redirects');
}
