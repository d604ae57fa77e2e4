import type { Kysely } from 'kysely';
import { type Command, type CommandRuntime, type CommandScope, runCommand } from '../../command/command';
import { systemScope } from '../../command/http';
import type { DB } from '../../db/schema';
import { generateInvoice } from '../billing/commands/invoices';
import { addPaymentMethod } from '../billing/commands/payment-methods';
import { updateProfile } from '../billing/commands/profile';
import { updateSubscription } from '../billing/commands/subscriptions';
import { createTestPaymentProvider } from '../billing/provider';
import { addComment, createTicket } from '../tickets/commands';
import { ingestConversation } from './conversations/commands';
import { addDataSource, updateDataSource } from './data-sources/commands';
import { demoAgents, demoMembers, hasDataSources } from './demo-repo';
import { createFeedback, updateFeedback } from './feedback/commands';
import { updateSettings } from './settings/commands';
import { createShareLink } from './share-links/commands';

/** What {@link seedDemoResources} did. */
export interface DemoResourcesResult {
  created: boolean;
  agents: number;
  invoices: number;
}

/**
 * The command runtime of a bare database handle. The demo's commands write
 * no access rows, so no revision is bumped and there is no cache to settle.
 */
function runtimeOf(target: Kysely<DB> | CommandRuntime): CommandRuntime {
  if ('accessState' in target) return target;
  return { db: target, accessState: { get: async () => null } };
}

const DEMO_CONVERSATIONS = [
  {
    user: 'Hi, my order #4411 has not arrived. You can reach me at dana.lee@example.net.',
    agent:
      'Sorry about that, Dana! Order #4411 left our warehouse yesterday; tracking shows delivery tomorrow.',
    endUser: 'dana.lee@example.net',
  },
  {
    user: 'Can I change the delivery address? Call me on +1 415 555 0142 if easier.',
    agent: 'Yes — addresses can be changed until the parcel ships. I have sent you a secure link.',
    endUser: '+1 415 555 0142',
  },
  {
    user: 'What are your opening hours on public holidays?',
    agent: 'We are open 10:00–16:00 on public holidays, and closed on 25 December.',
    endUser: null,
  },
  {
    user: 'I want a refund for the blue kettle, it leaks.',
    agent:
      'I am sorry to hear that. I have opened refund request R-2291; you will get an email within a day.',
    endUser: 'sam.okafor@example.org',
  },
  {
    user: 'Do you ship to Canada?',
    agent: 'We do! Shipping to Canada takes 5–7 business days and costs $12.',
    endUser: null,
  },
];

/**
 * Realistic data for the demo workspace in every area of issue 7: persona
 * and branding, data sources, transcripts (with personal data, to show
 * masking), feedback, a share link, org details, a test card, subscription
 * settings for the paid agents, invoices for the two previous months, and
 * help-center tickets. Idempotent: does nothing when the workspace already
 * has data sources. Everything goes through the same commands the API uses,
 * so each write is its own transaction with its activity entry (actor
 * "system", or the demo member the change is attributed to).
 *
 * Call it after `seedDemo` creates the workspace and its agents, with the
 * app's command runtime (`app.commands`) or its database handle.
 */
export async function seedDemoResources(
  target: Kysely<DB> | CommandRuntime,
  workspaceId: string,
  now: Date = new Date(),
): Promise<DemoResourcesResult> {
  const runtime = runtimeOf(target);
  const db = runtime.db;
  const seeded = await hasDataSources(db, workspaceId);
  const agents = await demoAgents(db, workspaceId);
  if (seeded || agents.length === 0) return { created: false, agents: agents.length, invoices: 0 };

  const members = await demoMembers(db, workspaceId);
  const admin = members.find((m) => m.role === 'admin');
  const other = members.find((m) => m.role !== 'admin') ?? admin;
  const system = systemScope(workspaceId);
  const scopeOf = (m: { id: string; name: string } | undefined): CommandScope =>
    m ? { ...system, actor: { type: 'user', id: m.id, name: m.name }, subject: { userId: m.id } } : system;
  const run = <I, O>(scope: CommandScope, command: Command<I, O>, input: I) =>
    runCommand(runtime, scope, command, input).then((r) => r.value);
  const asAdmin = scopeOf(admin);

  for (const [i, agent] of agents.entries()) {
    const voice = /voice/i.test(agent.name);
    await run(asAdmin, updateSettings, {
      agentId: agent.id,
      group: 'persona',
      patch: {
        persona: voice
          ? `You are ${agent.name}, the friendly phone receptionist of Acme. Greet callers, find out what they need, and route them to the right team. Never take card details over the phone.`
          : `You are ${agent.name}, Acme's support assistant. Answer from the help center and order data, be concise and warm, and hand over to a human when a customer is upset.`,
      },
    });
    await run(asAdmin, updateSettings, {
      agentId: agent.id,
      group: 'branding',
      patch: {
        primaryColor: i % 2 ? '#0f766e' : '#4f46e5',
        accentColor: '#ffffff',
        logoUrl: 'https://assets.acme.example/logo.svg',
      },
    });
    const sources = voice
      ? [
          { name: 'Call routing guide', kind: 'file' as const, location: 'call-routing-2026.pdf' },
          { name: 'Office directory', kind: 'text' as const },
        ]
      : [
          { name: 'Help center', kind: 'url' as const, location: 'https://help.acme.example' },
          { name: 'Returns policy', kind: 'file' as const, location: 'returns-policy.pdf' },
          { name: 'Shipping FAQ', kind: 'text' as const },
        ];
    for (const source of sources) {
      const added = await run(asAdmin, addDataSource, { agentId: agent.id, source });
      // The agent platform's report that it indexed the source.
      await run(system, updateDataSource, { agentId: agent.id, id: added.id, patch: { status: 'ready' } });
    }

    const conversationIds: string[] = [];
    for (const [j, c] of DEMO_CONVERSATIONS.entries()) {
      const started = new Date(now.getTime() - (j * 26 + i * 3 + 2) * 3_600_000);
      const { id } = await run(system, ingestConversation, {
        agentId: agent.id,
        conversation: {
          externalId: `demo-${i}-${j}`,
          channel: voice ? 'voice' : 'chat',
          ...(c.endUser ? { endUser: c.endUser } : {}),
          startedAt: started.toISOString(),
          endedAt: new Date(started.getTime() + 4 * 60_000).toISOString(),
          messages: [
            { role: 'user', text: c.user, at: started.toISOString() },
            { role: 'agent', text: c.agent, at: new Date(started.getTime() + 20_000).toISOString() },
          ],
          ...(voice ? { recordingUrl: `https://recordings.acme.example/demo-${i}-${j}.mp3` } : {}),
        },
      });
      conversationIds.push(id);
    }
    const ratings = [
      { rating: 'up' as const, comment: 'Quick and clear, thanks!' },
      { rating: 'down' as const, comment: 'The holiday hours were wrong for Boxing Day.' },
      { rating: 'up' as const, comment: '' },
      { rating: 'down' as const, comment: 'Could not find my refund status.' },
    ];
    for (const [j, r] of ratings.entries()) {
      const fb = await run(system, createFeedback, {
        agentId: agent.id,
        feedback: { ...r, conversationId: conversationIds[j], messageRef: `msg-${i}-${j}` },
      });
      if (j === 1) {
        await run(asAdmin, updateFeedback, {
          agentId: agent.id,
          id: fb.id,
          patch: { resolved: true, resolutionNote: 'Added Boxing Day to the holiday hours page.' },
        });
      }
    }
    if (!voice) {
      await run(asAdmin, createShareLink, {
        agentId: agent.id,
        link: { name: 'Website widget', authorizedDomains: ['acme.example', '*.acme.example'] },
      });
    }
  }

  // Billing: org details, a test card, overage settings, two closed months.
  await run(scopeOf(admin), updateProfile, {
    orgName: 'Acme Support Ltd',
    invoiceEmails: [...new Set([admin?.email ?? 'billing@acme.example', 'billing@acme.example'])],
  });
  await run(scopeOf(admin), addPaymentMethod, {
    provider: createTestPaymentProvider(),
    card: {
      number: '4242424242424242',
      expMonth: 12,
      expYear: now.getUTCFullYear() + 3,
      cvc: '123',
      holderName: 'Acme Support Ltd',
    },
  });
  for (const agent of agents.filter((a) => a.plan !== 'starter')) {
    await run(scopeOf(admin), updateSubscription, { agentId: agent.id, patch: { overage: 'allow' } });
  }
  let invoices = 0;
  const provider = createTestPaymentProvider();
  for (const back of [2, 1]) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const period = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    await run(scopeOf(admin), generateInvoice, {
      provider,
      period,
      now: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 6)),
    });
    invoices++;
  }

  // Help center: one ticket from a member (answered), one from the admin.
  const first = agents[0];
  if (other && first) {
    const t = await run(scopeOf(other), createTicket, {
      ticket: {
        subject: 'How do I add a PDF to the knowledge base?',
        body: `I want ${first.name} to answer from our new returns policy PDF. Where do I upload it?`,
        agentId: first.id,
      },
      agentVisible: () => true,
    });
    if (admin && admin.id !== other.id) {
      await run(scopeOf(admin), addComment, {
        id: t.id,
        text: 'Open the agent, then Data sources → Add → File. You need edit on Knowledge for that agent.',
        viewer: { userId: admin.id, all: true },
      });
    }
  }
  if (admin) {
    await run(scopeOf(admin), createTicket, {
      ticket: { subject: 'Invoice needs our VAT number', body: 'Please add GB123456789 to future invoices.' },
      agentVisible: () => true,
    });
  }
  return { created: true, agents: agents.length, invoices };
}
