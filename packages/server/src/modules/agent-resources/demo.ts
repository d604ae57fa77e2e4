import type { Kysely } from 'kysely';
import { NO_ORIGIN } from '../../audit/record';
import { SYSTEM_ACTOR } from '../../auth/principal';
import { type Command, type CommandScope, runCommand } from '../../command/command';
import type { DB } from '../../db/schema';
import { generateInvoice } from '../billing/commands/invoices';
import { addPaymentMethod } from '../billing/commands/payment-methods';
import { updateProfile } from '../billing/commands/profile';
import { updateSubscription } from '../billing/commands/subscriptions';
import { createTestPaymentProvider } from '../billing/provider';
import { addComment, createTicket } from '../tickets/commands';
import type { WriteContext } from './context';
import {
  addDataSource,
  createFeedback,
  createShareLink,
  ingestConversation,
  updateFeedback,
  updateSettings,
} from './service';

/** What {@link seedDemoResources} did. */
export interface DemoResourcesResult {
  created: boolean;
  agents: number;
  invoices: number;
}

const SYSTEM: WriteContext = { actor: SYSTEM_ACTOR, origin: NO_ORIGIN, userId: null };

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
 * has data sources. Everything goes through the same services the API uses,
 * so each write is its own transaction with its activity entry (actor
 * "system").
 *
 * Call it after `seedDemo` creates the workspace and its agents.
 */
export async function seedDemoResources(
  db: Kysely<DB>,
  workspaceId: string,
  now: Date = new Date(),
): Promise<DemoResourcesResult> {
  const existing = await db
    .selectFrom('data_sources')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .execute();
  const agents = await db
    .selectFrom('agents')
    .select(['id', 'name', 'plan', 'status'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (existing.length > 0 || agents.length === 0)
    return { created: false, agents: agents.length, invoices: 0 };

  const members = await db
    .selectFrom('workspace_members')
    .innerJoin('users', 'users.id', 'workspace_members.user_id')
    .select(['users.id', 'users.name', 'users.email', 'workspace_members.role'])
    .where('workspace_members.workspace_id', '=', workspaceId)
    .orderBy('workspace_members.created_at')
    .execute();
  const admin = members.find((m) => m.role === 'admin');
  const other = members.find((m) => m.role !== 'admin') ?? admin;
  const asUser = (m: { id: string; name: string } | undefined): WriteContext =>
    m ? { actor: { type: 'user', id: m.id, name: m.name }, origin: NO_ORIGIN, userId: m.id } : SYSTEM;

  for (const [i, agent] of agents.entries()) {
    const voice = /voice/i.test(agent.name);
    await updateSettings(
      db,
      workspaceId,
      agent.id,
      'persona',
      {
        persona: voice
          ? `You are ${agent.name}, the friendly phone receptionist of Acme. Greet callers, find out what they need, and route them to the right team. Never take card details over the phone.`
          : `You are ${agent.name}, Acme's support assistant. Answer from the help center and order data, be concise and warm, and hand over to a human when a customer is upset.`,
      },
      asUser(admin),
    );
    await updateSettings(
      db,
      workspaceId,
      agent.id,
      'branding',
      {
        primaryColor: i % 2 ? '#0f766e' : '#4f46e5',
        accentColor: '#ffffff',
        logoUrl: 'https://assets.acme.example/logo.svg',
      },
      asUser(admin),
    );
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
    for (const s of sources) await addDataSource(db, workspaceId, agent.id, s, asUser(admin));
    await db
      .updateTable('data_sources')
      .set({ status: 'ready' })
      .where('workspace_id', '=', workspaceId)
      .where('agent_id', '=', agent.id)
      .execute();

    const conversationIds: string[] = [];
    for (const [j, c] of DEMO_CONVERSATIONS.entries()) {
      const started = new Date(now.getTime() - (j * 26 + i * 3 + 2) * 3_600_000);
      const { id } = await ingestConversation(
        db,
        workspaceId,
        agent.id,
        {
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
        SYSTEM,
      );
      conversationIds.push(id);
    }
    const ratings = [
      { rating: 'up' as const, comment: 'Quick and clear, thanks!' },
      { rating: 'down' as const, comment: 'The holiday hours were wrong for Boxing Day.' },
      { rating: 'up' as const, comment: '' },
      { rating: 'down' as const, comment: 'Could not find my refund status.' },
    ];
    for (const [j, r] of ratings.entries()) {
      const fb = await createFeedback(
        db,
        workspaceId,
        agent.id,
        { ...r, conversationId: conversationIds[j], messageRef: `msg-${i}-${j}` },
        SYSTEM,
      );
      if (j === 1) {
        await updateFeedback(
          db,
          workspaceId,
          agent.id,
          fb.id,
          { resolved: true, resolutionNote: 'Added Boxing Day to the holiday hours page.' },
          asUser(admin),
        );
      }
    }
    if (!voice) {
      await createShareLink(
        db,
        workspaceId,
        agent.id,
        { name: 'Website widget', authorizedDomains: ['acme.example', '*.acme.example'] },
        'http://localhost:3000',
        asUser(admin),
      );
    }
  }

  // Billing and help center run as commands (billing and ticket commands change no access row).
  const run = <I, O>(m: { id: string; name: string } | undefined, command: Command<I, O>, input: I) => {
    const ctx = asUser(m);
    const scope: CommandScope = {
      workspaceId,
      actor: ctx.actor,
      subject: ctx.userId ? { userId: ctx.userId } : null,
      origin: ctx.origin,
      state: null,
    };
    return runCommand({ db, accessState: { get: async () => null } }, scope, command, input);
  };

  // Billing: org details, a test card, overage settings, two closed months.
  await run(admin, updateProfile, {
    orgName: 'Acme Support Ltd',
    invoiceEmails: [...new Set([admin?.email ?? 'billing@acme.example', 'billing@acme.example'])],
  });
  await run(admin, addPaymentMethod, {
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
    await run(admin, updateSubscription, { agentId: agent.id, patch: { overage: 'allow' } });
  }
  let invoices = 0;
  const provider = createTestPaymentProvider();
  for (const back of [2, 1]) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const period = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    await run(admin, generateInvoice, {
      provider,
      period,
      now: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 6)),
    });
    invoices++;
  }

  // Help center: one ticket from a member (answered), one from the admin.
  const first = agents[0];
  if (other && first) {
    const { value: t } = await run(other, createTicket, {
      ticket: {
        subject: 'How do I add a PDF to the knowledge base?',
        body: `I want ${first.name} to answer from our new returns policy PDF. Where do I upload it?`,
        agentId: first.id,
      },
      agentVisible: () => true,
    });
    if (admin && admin.id !== other.id) {
      await run(admin, addComment, {
        id: t.id,
        text: 'Open the agent, then Data sources → Add → File. You need edit on Knowledge for that agent.',
        viewer: { userId: admin.id, all: true },
      });
    }
  }
  if (admin) {
    await run(admin, createTicket, {
      ticket: { subject: 'Invoice needs our VAT number', body: 'Please add GB123456789 to future invoices.' },
      agentVisible: () => true,
    });
  }
  return { created: true, agents: agents.length, invoices };
}
