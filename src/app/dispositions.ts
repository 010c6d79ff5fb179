// An approver's disposition of a derived artifact (docs/ORDERS.md "Derived
// artifacts"). For an artifact at a vendor, which this order cannot destroy
// itself: `held-by-vendor`, which needs the vendor's own certificate attached
// and verified first (./vendor-certificates.ts), or
// `retained-with-justification`, with the approver's reason. For an artifact
// the plan found here (its own target `derived:<name>`), only
// `retained-with-justification`, and only before execution starts: its
// objects are then kept under the hold `derived.<name>`, listed in
// retained.ndjson with their content hashes, and none is destroyed. Signed
// with the approver's own key over this order, this artifact and exactly
// this decision (docs/FORMAT.md section 5.10); the certificate carries it,
// and every verifier checks it. An artifact the order destroys needs none.
import { type Disposition, type DispositionSignature, dispositionSignatureHolds, publicKeyFromPem, samePerson } from '@shredproof/verify';
import { checkSignerKey, type SignedApproval } from './approve-order.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError } from './errors.js';
import { RETAINED_ARTIFACT_HOLD_PREFIX } from './order-document.js';
import { type PlannedArtifact, plannedArtifacts } from './plan-targets.js';
import type { OrderRow, OrderState } from './ports/orders.js';

/** A disposition may be given from the plan until the certificate: a vendor's certificate often comes late. */
const OPEN: readonly OrderState[] = ['planned', 'approved', 'executing', 'finalizing'];
/** An artifact the plan found here is retained before any of its objects can be destroyed. */
const BEFORE_EXECUTION: readonly OrderState[] = ['planned', 'approved'];

/** The hold under which a retained artifact's objects are kept (retained.ndjson's `holdId`); no order's own hold id starts so. */
export const retainedArtifactHold = (artifact: string): string => `${RETAINED_ARTIFACT_HOLD_PREFIX}${artifact}`;

export interface DispositionInput {
  disposition: Exclude<Disposition, 'destroyed' | 'not-in-plan'>;
  justification?: string;
  signature: SignedApproval;
}

/** The planned artifact `name` of an order that may still take a disposition or a vendor's certificate, or the rule it breaks (under `code`). */
function decidable(order: OrderRow, name: string, code: 'DISPOSITION_REFUSED' | 'VENDOR_CERTIFICATE_REFUSED'): PlannedArtifact {
  if (!OPEN.includes(order.state)) throw new RuleError(code, `order ${order.id} is ${order.state}: a derived artifact's disposition and its vendor's certificate are given between the plan and the certificate`);
  const artifact = plannedArtifacts(order).find((a) => a.artifact === name);
  if (!artifact) throw new NotFoundError(`order ${order.id}'s plan reached no derived artifact ${name}`);
  return artifact;
}

/** The planned artifact `name`, at a vendor, of an order that may still take its vendor's certificate, or the rule it breaks (VENDOR_CERTIFICATE_REFUSED). */
export function openArtifact(order: OrderRow, name: string): PlannedArtifact {
  const artifact = decidable(order, name, 'VENDOR_CERTIFICATE_REFUSED');
  if ('target' in artifact.location) {
    throw new RuleError('VENDOR_CERTIFICATE_REFUSED', `artifact ${name} is in ${artifact.location.target} of this plan, not at a vendor: the order destroys it with the rest, and no vendor's certificate is needed`);
  }
  return artifact;
}

export function disposeArtifact(deps: EngineDeps, orderId: string, name: string, approver: string, input: DispositionInput): OrderRow {
  return deps.ledger.atomically(() => {
    const order = deps.ledger.getOrder(orderId);
    if (!order) throw new NotFoundError(`no order ${orderId}`);
    const artifact = decidable(order, name, 'DISPOSITION_REFUSED');
    const refuse = (why: string) => new RuleError('DISPOSITION_REFUSED', `the disposition of ${name} by ${approver} is refused: ${why}`);
    const here = 'target' in artifact.location ? artifact.location.target : undefined;
    if (here !== undefined && input.disposition !== 'retained-with-justification') {
      throw refuse(`${name} is in ${here} of this plan, not at a vendor: the order destroys it, or an approver retains it before execution (retained-with-justification)`);
    }
    if (here !== undefined && !BEFORE_EXECUTION.includes(order.state)) {
      throw refuse(`order ${orderId} is ${order.state}: ${name} is in ${here} of this plan, and an artifact the order destroys itself is retained only before execution starts`);
    }
    if (samePerson(approver, order.createdBy)) throw refuse(`${approver} created order ${orderId}: a second person decides what is kept`);
    if (input.disposition === 'retained-with-justification' && !(typeof input.justification === 'string' && input.justification.trim().length > 0)) {
      throw refuse('retained-with-justification needs the justification');
    }
    // The certificate holds at most 5,000 characters of it (docs/FORMAT.md section 5.10): a longer one would stop the certificate.
    if (input.justification !== undefined && input.justification.length > 5000) throw refuse(`the justification is ${input.justification.length} characters; at most 5000`);
    if (input.disposition === 'held-by-vendor' && input.justification !== undefined) throw refuse('held-by-vendor takes no justification: the vendor certificate is the evidence');
    if (input.disposition === 'held-by-vendor' && !artifact.vendorEvidence) {
      throw refuse(`no certificate of the vendor ${'vendor' in artifact.location ? artifact.location.vendor : ''} is attached for ${name}: attach it first (shredproof order attach-vendor-certificate)`);
    }
    const key = checkSignerKey(deps, approver, 'approver', 'approver', input.signature, refuse);
    const decision = {
      orderId,
      orderSha256: order.documentSha256,
      artifact: name,
      disposition: input.disposition,
      ...(input.justification !== undefined ? { justification: input.justification } : {}),
      ...(input.disposition === 'held-by-vendor' ? { vendor: artifact.vendorEvidence! } : {}),
    };
    const signedBy: DispositionSignature = { person: approver, keyid: input.signature.keyid, signedAt: input.signature.signedAt, signature: input.signature.signature };
    if (!dispositionSignatureHolds(signedBy, decision, publicKeyFromPem(key.publicKeyPem))) {
      throw refuse(`the signature does not hold over order ${orderId}, artifact ${name} and ${input.disposition}${input.justification !== undefined ? ' with this justification' : ''}`);
    }
    const at = deps.clock.now().toISOString();
    const derived = plannedArtifacts(order).map((a) =>
      a.artifact === name ? { ...a, disposition: { disposition: input.disposition, ...(input.justification !== undefined ? { justification: input.justification } : {}), signedBy } } : a,
    );
    // Its objects leave the execution in the same transaction: none of them can be in a batch that runs.
    const kept = here !== undefined ? deps.ledger.retainTarget(orderId, here, retainedArtifactHold(name)) : 0;
    const objects = here !== undefined ? `; ${kept} more object(s) of ${here} kept under the hold ${retainedArtifactHold(name)}` : '';
    deps.ledger.access.appendAudit({ at, actor: approver, action: 'order.disposition', orderId, detail: `${name}: ${input.disposition}, signed with key ${input.signature.keyid}${objects}` });
    return deps.ledger.patch(orderId, { derived: JSON.stringify(derived), ...(order.failure?.includes(name) ? { failure: null } : {}) }, at);
  });
}
