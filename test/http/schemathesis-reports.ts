// What test/http/schemathesis.test.ts gives schemathesis (its configuration,
// with the reasons for what it leaves out) and how it reads the reports back
// (JUnit for the failures, HAR for every exchange).
import { fileURLToPath } from 'node:url';

/** How schemathesis sends application/x-ndjson (the manifest upload), which it has no serializer for. */
export const HOOKS_FILE = fileURLToPath(new URL('./schemathesis-hooks.py', import.meta.url));

type Json = Record<string, any>;

const xmlText = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Each failed or errored test case of a JUnit report: its operation and the first lines of what schemathesis says. */
export function junitFailures(xml: string): string[] {
  const out: string[] = [];
  for (const chunk of xml.split('<testcase ').slice(1)) {
    const name = xmlText(/^name="([^"]*)"/.exec(chunk)?.[1] ?? '?');
    const head = chunk.slice(0, chunk.indexOf('>') + 1);
    if (head.endsWith('/>')) continue;
    const body = chunk.slice(head.length, chunk.indexOf('</testcase>'));
    for (const f of body.matchAll(/<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
      const message = /message="([^"]*)"/.exec(f[2]!)?.[1];
      const text = xmlText(f[3] ?? '')
        .split('\n')
        .filter((l) => !/^\s*curl /.test(l)) // the reproduction command carries the token
        .slice(0, 30)
        .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l))
        .join('\n    ');
      out.push(`${name} [${f[1]}${message ? ` ${xmlText(message)}` : ''}]\n    ${text}`);
    }
  }
  return out;
}

/** Every error answer in a HAR file that is not a problem document whose status is the answer's (RFC 9457). */
export function nonProblemErrors(har: Json): string[] {
  const out: string[] = [];
  for (const e of har.log.entries as Json[]) {
    const { status, headers, content } = e.response;
    if (status < 400) continue;
    const url = new URL(e.request.url);
    // /readyz's 503 is the one documented exception: load balancers read its {status, checks}.
    if (url.pathname === '/readyz' && status === 503) continue;
    const type = (headers as Json[]).find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
    let why: string | undefined;
    const text: string = content.text ?? '';
    if (!/^application\/problem\+json(;|$)/.test(type)) why = `content type ${JSON.stringify(type)}`;
    else if (typeof content.size === 'number' && content.size > Buffer.byteLength(text)) why = `an error answer of ${content.size} bytes (the report keeps the first ${Buffer.byteLength(text)})`;
    else {
      try {
        const p = JSON.parse(text);
        if (p.status !== status || typeof p.code !== 'string' || typeof p.type !== 'string') why = `problem document ${text.slice(0, 200)}`;
      } catch {
        why = `a body that is not JSON: ${text.slice(0, 200)}`;
      }
    }
    if (why) out.push(`${e.request.method} ${url.pathname}${url.search.slice(0, 120)} -> ${status}: ${why}`);
  }
  return out;
}

export function configToml(c: {
  seed: number;
  examples: number;
  extraChecks: readonly string[];
  orders: string[];
  artifacts: string[];
  /** A planned order and the artifact at a vendor that its plan reached. */
  derived: { order: string; artifact: string };
  keyid: string;
  throwaway: string[];
  reportDir: string;
}): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  return `# Written by test/http/schemathesis.test.ts for one run.
seed = ${c.seed}
continue-on-failure = true
hooks = ${JSON.stringify(HOOKS_FILE)}
request-timeout = 15

[auth.openapi.bearer]
bearer = "\${SHREDPROOF_TOKEN}"

[reports]
directory = ${JSON.stringify(c.reportDir)}
[reports.junit]
enabled = true
[reports.json]
enabled = true
[reports.har]
enabled = true

[generation]
max-examples = ${c.examples}

[checks]
enabled = false
[checks.not_a_server_error]
enabled = true
[checks.response_schema_conformance]
enabled = true
[checks.content_type_conformance]
enabled = true
[checks.status_code_conformance]
enabled = true
# The document must be as strict as the server, in both directions: what it
# allows is accepted, what it forbids is refused (413 and 431 count as
# refusals: a body, or a request line, over the limit is refused before its
# content is looked at).
[checks.positive_data_acceptance]
enabled = true
[checks.negative_data_rejection]
enabled = true
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, 431]
${c.extraChecks.map((c) => `[checks.${c}]\nenabled = true\n`).join('')}
# Stateful runs follow the document's own links only. Links inferred from the
# responses also lead from GET /v1/tokens to DELETE /v1/tokens/{tokenId}, and an
# admin may revoke any token, its own included (a leaked token must be revocable
# by whoever holds it): the run then revoked the tokens it was testing with.
[phases.stateful.inference]
algorithms = []

[dictionaries.orders]
values = ${list(c.orders)}
[dictionaries.artifacts]
values = ${list(c.artifacts)}
[dictionaries.derived-orders]
values = ${list([c.derived.order])}
[dictionaries.derived-artifacts]
values = ${list([c.derived.artifact])}
[dictionaries.keys]
values = ${list([c.keyid])}
[dictionaries.throwaway-tokens]
values = ${list(c.throwaway)}

[dictionaries.backends]
values = ["photos"]

[parameters]
"path.id" = { dictionary = "orders", probability = 0.6 }
"body.targets[*].backend" = { dictionary = "backends", probability = 0.7 }
"body.holds[*].target" = { dictionary = "backends", probability = 0.7 }
"query.orderId" = { dictionary = "orders", probability = 0.5 }
"path.keyid" = { dictionary = "keys", probability = 0.5 }
"path.name" = { dictionary = "artifacts", probability = 0.6 }
"body.location.backend" = { dictionary = "backends", probability = 0.7 }
"body.inputs[*].scope.backend" = { dictionary = "backends", probability = 0.7 }

# For the same reason as above: ids are taken from the dictionary of tokens
# made to be revoked, or generated, never from other responses.
[[operations]]
include-operation-id = "revokeToken"
parameters = { "path.tokenId" = { dictionary = "throwaway-tokens", probability = 0.5 } }
phases.fuzzing.extra-data-sources.responses = false
phases.coverage.extra-data-sources.responses = false

# An order's derived artifact at a vendor exists only in the plan of one
# order: its routes take that order and that artifact most of the time, or
# they would rarely reach past 404.
[[operations]]
include-operation-id = ["uploadVendorBundleFile", "attachVendorCertificate", "disposeArtifact", "getVendorBundleFile"]
parameters = { "path.id" = { dictionary = "derived-orders", probability = 0.7 }, "path.artifact" = { dictionary = "derived-artifacts", probability = 0.7 } }

# Rules that OpenAPI cannot state, so that a request the document allows is
# still refused with 400; each is checked by the server and named in errors[]:
# - proof: exactly one of locator, sha256 and leafIndex (parameters have no oneOf);
# - receipt: at least one locator or sha256, at most 100 of them together;
# - create an order: a hold's target must be one of the order's targets, ids
#   unique, and scopes are the backend's to judge (docs/ORDERS.md);
# - create a token: expiresAt must be in the future (a document has no clock);
# - register an artifact: a new name, inputs registered before it, one
#   manifest at most, scopes the backend's to judge;
# - upload a manifest: its lines must be the tree the artifact was registered
#   with (any string is an NDJSON body to the document).
[[operations]]
include-operation-id = ["getObjectProof", "getReceipt", "createOrder", "createToken", "createArtifact", "uploadArtifactManifest"]
checks.positive_data_acceptance.enabled = false

# A progress stream lasts until the order ends: read its first event and close it.
[[operations]]
include-operation-id = "streamOrderProgress"
max-stream-events = 1
`;
}
