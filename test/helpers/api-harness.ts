// An in-process API for a test: the engine harness (temp dataset, ledger,
// real Redis, in-process worker), the coordinator loop running, the express
// app listening on an ephemeral loopback port, and one token per person. Each
// person is registered with their roles and their test key (./approvals.ts),
// so that approvers can sign approvals with approvalBody().
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicKeyToPem } from '@shredproof/verify';
import { addPerson } from '../../src/app/people.js';
import { issueToken } from '../../src/app/tokens.js';
import { createApp } from '../../src/http/app.js';
import type { HttpSettings } from '../../src/http/context.js';
import type { Role } from '../../src/adapters/ledger/sqlite/access-store.js';
import { buildVerifierPage } from '../../src/verifier-page/build.js';
import { consoleAssets } from '../../src/console/build.js';
import { personSigner, signedBy } from './approvals.js';
import { type Harness, type HarnessOptions, startHarness } from './engine-harness.js';

/** The people of the tests. alice holds two tokens (operator and approver): the two-person rule must still stop her. */
export const PEOPLE = {
  alice: 'operator',
  aliceApprover: 'approver',
  bob: 'approver',
  olga: 'operator',
  audrey: 'auditor',
  ada: 'admin',
} as const satisfies Record<string, Role>;

export interface ApiHarness extends Harness {
  url: string;
  tokens: Record<keyof typeof PEOPLE, string>;
  /** fetch against the API with a person's token (or none, or a raw Authorization value). */
  call(path: string, init?: RequestInit & { as?: keyof typeof PEOPLE | null; json?: unknown }): Promise<Response>;
}

/**
 * The body of POST /v1/orders/{id}/approve for `name`: the plan root and their
 * signature with their test key over the order as `order` (GET /v1/orders/{id}) shows it.
 */
export function approvalBody(order: { id: string; documentSha256: string; plan: { root: string; objects: number } }, name: string, planRoot = order.plan.root) {
  const row = { id: order.id, documentSha256: order.documentSha256, planRoot: order.plan.root, planCount: order.plan.objects } as Parameters<typeof signedBy>[1];
  const { keyid, signedAt, signature } = signedBy({ clock: { now: () => new Date() } }, row, name, 'approver');
  return { planRoot, approval: { keyid, signedAt, signature } };
}

export async function startApiHarness(opts: HarnessOptions & { http?: Partial<HttpSettings>; coordinator?: boolean }): Promise<ApiHarness> {
  const h = await startHarness(opts);
  const app = createApp(h.runtime.deps, { http: { authFailuresPerMinute: 10_000, ...opts.http }, verifierPage: buildVerifierPage, console: consoleAssets });
  if (opts.coordinator !== false) h.runtime.coordinator.start();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = {} as Record<keyof typeof PEOPLE, string>;
  const nameOf = (who: string) => (who === 'aliceApprover' ? 'alice' : who);
  const roles = new Map<string, Role[]>();
  for (const [who, role] of Object.entries(PEOPLE)) roles.set(nameOf(who), [...(roles.get(nameOf(who)) ?? []), role]);
  for (const [name, rs] of roles) addPerson(h.runtime.deps, { name, roles: rs, publicKeyPem: publicKeyToPem(personSigner(name).publicKey) }, 'test');
  for (const [who, role] of Object.entries(PEOPLE) as Array<[keyof typeof PEOPLE, Role]>) {
    tokens[who] = issueToken(h.runtime.deps.ledger, { name: nameOf(who), role, createdBy: 'test', now: new Date() }).token;
  }
  return {
    ...h,
    url,
    tokens,
    call(path, init = {}) {
      const { as = 'alice', json, headers, ...rest } = init;
      const hs = new Headers(headers);
      if (as) hs.set('authorization', `Bearer ${tokens[as]}`);
      if (json !== undefined) hs.set('content-type', 'application/json');
      return fetch(url + path, { ...rest, headers: hs, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await h.close();
    },
  };
}

/** Polls GET /v1/orders/:id until its state is one of `states`. */
export async function waitForState(api: ApiHarness, id: string, states: string[], timeoutMs = 60_000): Promise<Record<string, any>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.call(`/v1/orders/${id}`, { as: 'audrey' });
    const body = (await r.json()) as Record<string, any>;
    if (states.includes(body.state)) return body;
    if (Date.now() > end) throw new Error(`order ${id} is ${body.state}, waited for ${states.join('|')}`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
}
