import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { startReference } from '../../reference-app/index.ts';
import type { ReferenceInfo } from '../../core/reference.ts';
import { startMailSink, type MailSink } from '../../core/mail/sink.ts';
import { waitForMail } from '../../core/mail/mailbox.ts';

export interface Res {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  json: any;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Source address; setup traffic uses 127.0.0.2, the app's unlimited address, so it never trips the limits under test. */
  from?: string;
}

/** A running app plus its mail sink and a small HTTPS client trusting the app's CA. */
export class Harness {
  private readonly agents = new Map<string, Agent>();
  readonly ca: Buffer;

  private constructor(
    readonly info: ReferenceInfo,
    readonly sink: MailSink,
  ) {
    this.ca = readFileSync(info.caFile);
  }

  static async start(
    flaws: string[] = [],
    env: NodeJS.ProcessEnv = {},
    extra: { trustedProxy?: string; limitWindowS?: number; dialect?: string } = {},
  ): Promise<Harness> {
    const sink = await startMailSink();
    try {
      return new Harness(await startReference({ flaws, smtp: sink.smtp, env, ...extra }), sink);
    } catch (e) {
      await sink.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    for (const a of this.agents.values()) a.destroy();
    await this.info.stop();
    await this.sink.stop();
  }

  private agent(from: string): Agent {
    let a = this.agents.get(from);
    if (!a) {
      a = new Agent({ keepAlive: true, ca: this.ca, localAddress: from });
      this.agents.set(from, a);
    }
    return a;
  }

  call(method: string, path: string, o: CallOptions = {}): Promise<Res> {
    const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
    const headers: Record<string, string> = {
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...o.headers,
    };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.info.baseUrl}${path}`,
        { method, headers, agent: this.agent(o.from ?? '127.0.0.2') },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => {
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Plain-HTTP request to the redirect port. */
  plain(path: string): Promise<Res> {
    return new Promise((resolve, reject) => {
      httpRequest(`${this.info.httpUrl}${path}`, { agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: undefined }));
      })
        .on('error', reject)
        .end();
    });
  }

  account(role: 'client' | 'manufacturer' | 'admin', index = 0) {
    const a = this.info.accounts.filter((x) => x.role === role)[index];
    if (!a) throw new Error(`no seeded ${role} #${index}`);
    return a;
  }

  async login(email: string, password: string): Promise<{ access: string; refresh: string; res: Res }> {
    const res = await this.call('POST', '/api/auth/login', { body: { email, password } });
    return { access: res.json?.access_token, refresh: res.json?.refresh_token, res };
  }

  async loginAs(role: 'client' | 'manufacturer' | 'admin', index = 0): Promise<string> {
    const a = this.account(role, index);
    const { access, res } = await this.login(a.email, a.password);
    if (res.status !== 200) throw new Error(`seeded ${role} login answered ${res.status}`);
    return access;
  }

  /** Registers a fresh client and returns its credentials and the token from its verification mail. */
  async register(
    extra: Record<string, unknown> = {},
  ): Promise<{ email: string; password: string; res: Res; mailToken: () => Promise<string> }> {
    const email = `u${randomBytes(6).toString('hex')}@customers.reference.local`;
    const password = 'Correct-Horse-42!';
    const since = Date.now();
    const res = await this.call('POST', '/api/auth/register', {
      body: { email, password, full_name: 'Test User', ...extra },
    });
    const mailToken = async () => {
      const mail = await waitForMail(this.sink.apiUrl, { to: email, sinceMs: since, timeoutMs: 5000 });
      const link = mail.links.find((l) => l.includes('/verify-email'));
      const token = link ? new URL(link).searchParams.get('token') : null;
      if (!token) throw new Error('verification mail carried no token link');
      return token;
    };
    return { email, password, res, mailToken };
  }

  /** A fresh verified client, signed in. */
  async verifiedClient(): Promise<{ email: string; password: string; access: string; refresh: string; id: number }> {
    const r = await this.register();
    const verify = await this.call('GET', `/api/auth/verify-email?token=${await r.mailToken()}`);
    if (verify.status !== 200) throw new Error(`verification answered ${verify.status}`);
    const { access, refresh, res } = await this.login(r.email, r.password);
    if (res.status !== 200) throw new Error(`login after verification answered ${res.status}`);
    return { email: r.email, password: r.password, access, refresh, id: r.res.json.id };
  }

  async createOrder(token: string, amount = 5000): Promise<Res> {
    const maker = this.account('manufacturer');
    return this.call('POST', '/api/orders', {
      token,
      body: {
        manufacturer_id: maker.id,
        amount_cents: amount,
        currency: 'usd',
        description: 'CNC brackets',
        milestones: [
          { title: 'Prototype', amount_cents: amount - Math.floor(amount / 2) },
          { title: 'Batch', amount_cents: Math.floor(amount / 2) },
        ],
      },
    });
  }

  /** Sends a payment_intent.succeeded event for the order, signed as Stripe signs (or with the given secret/timestamp). */
  webhook(
    order: { id: number; payment_intent_id: string; amount_cents: number; currency: string },
    o: { amount?: number; currency?: string; secret?: string; timestamp?: number; eventId?: string } = {},
  ): Promise<Res> {
    const payload = JSON.stringify({
      id: o.eventId ?? `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: {
        object: {
          id: order.payment_intent_id,
          object: 'payment_intent',
          amount: o.amount ?? order.amount_cents,
          currency: o.currency ?? order.currency,
          metadata: { order_id: String(order.id) },
        },
      },
    });
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: o.secret ?? this.info.webhookSecret,
      ...(o.timestamp ? { timestamp: o.timestamp } : {}),
    });
    return this.call('POST', '/api/webhooks/stripe', { raw: payload, headers: { 'stripe-signature': header } });
  }

  async order(token: string, id: number): Promise<Res> {
    return this.call('GET', `/api/orders/${id}`, { token });
  }

  /** An order of `token`'s client, funded by a signed webhook; with `approve`, every milestone approved. */
  async fundedOrder(token: string, approve = true) {
    const order = (await this.createOrder(token)).json;
    const funded = await this.webhook(order);
    if (funded.json?.status !== 'funded') throw new Error(`funding webhook answered ${funded.status} ${funded.text}`);
    if (approve) {
      for (const m of order.milestones as Array<{ id: number }>) {
        const r = await this.call('POST', `/api/orders/${order.id}/milestones/${m.id}/approve`, { token });
        if (r.status !== 200) throw new Error(`approve answered ${r.status}`);
      }
    }
    return order as {
      id: number;
      payment_intent_id: string;
      amount_cents: number;
      currency: string;
      milestones: Array<{ id: number }>;
    };
  }
}
