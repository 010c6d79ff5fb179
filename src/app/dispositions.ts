// An approver's disposition of a derived artifact that this order cannot
// destroy itself: one held by a vendor (docs/ORDERS.md "Derived artifacts").
// Either `held-by-vendor`, which needs the vendor's own certificate attached
// and verified first (./vendor-certificates.ts), or
// `retained-with-justification`, with the approver's reason. Signed with the
// approver's own key over this order, this artifact and exactly this
// decision (docs/FORMAT.md section 5.10); the certificate carries it, and
// every verifier checks it. An artifact the order destroys here needs none.
import { type Disposition, type DispositionSignature, dispositionSignatureHolds, publicKeyFromPem, samePerson } from '@shredproof/verify';
import { checkSignerKey, type SignedApproval } from './approve-order.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError } from './errors.js';
import { type PlannedArtifact, plannedArtifacts } from './plan-targets.js';
import type { OrderRow, OrderState } from './ports/orders.js';

/** A disposition may be given from the plan until the certificate: a vendor's certificate often comes late. */
const OPEN: readonly OrderState[] = ['planned', 'approved', 'executing', 'finalizing'];

export interface DispositionInput {
  disposition: Exclude<Disposition, 'destroyed' | 'not-in-plan'>;
  justification?: string;
  signature: SignedApproval;
}

/** The planned artifact `name` of an order that may still take a disposition, or the rule it breaks. */
export function openArtifact(order: OrderRow, name: string): PlannedArtifact {
  if (!OPEN.includes(order.state)) throw new RuleError('DISPOSITION_REFUSED', `order ${order.id} is ${order.state}: a derived artifact's disposition is given between the plan and the certificate`);
  const artifact = plannedArtifacts(order).find((a) => a.artifact === name);
  if (!artifact) throw new NotFoundError(`order ${order.id}'s plan reached no derived artifact ${name}`);
  if ('target' in artifact.location) {
    throw new RuleError('DISPOSITION_REFUSED', `artifact ${name} is in ${artifact.location.target} of this plan: the order destroys it with the rest; only an artifact at a vendor takes a disposition`);
  }
  return artifact;
}

export function disposeArtifact(deps: EngineDeps, orderId: string, name: string, approver: string, input: DispositionInput): OrderRow {
  return deps.ledger.atomically(() => {
    const order = deps.ledger.getOrder(orderId);
    if (!order) throw new NotFoundError(`no order ${orderId}`);
    const artifact = openArtifact(order, name);
    const refuse = (why: string) => new RuleError('DISPOSITION_REFUSED', `the disposition of ${name} by ${approver} is refused: ${why}`);
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
    deps.ledger.access.appendAudit({ at, actor: approver, action: 'order.disposition', orderId, detail: `${name}: ${input.disposition}, signed with key ${input.signature.keyid}` });
    return deps.ledger.patch(orderId, { derived: JSON.stringify(derived), ...(order.failure?.includes(name) ? { failure: null } : {}) }, at);
  });
}
