// What an order's plan covers, target by target: the order document's own
// targets (named by their backend), then, with `includeDerived`, one target
// per derived artifact that the plan found in the lineage (named
// `derived:<artifact>`, docs/ORDERS.md "Derived artifacts"). Planning,
// execution, ingest, the re-scan and the certificate all walk this one list,
// so that an artifact's objects are destroyed, probed and certified exactly
// like the order's own.
import { DERIVED_TARGET_PREFIX, type Disposition, type DispositionSignature, type VendorEvidence } from '@shredproof/verify';
import { holdsFor, orderDocument } from './create-order.js';
import type { ArtifactKind } from './ports/artifacts.js';
import type { OrderRow } from './ports/orders.js';
import type { HoldSpec } from './ports/storage-backend.js';

// A derived artifact's target is `derived:<artifact>`: no backend name can start so (they have no ':').
export { DERIVED_TARGET_PREFIX } from '@shredproof/verify';

/** A derived artifact the plan reached, as the order row keeps it from the plan on. */
export interface PlannedArtifact {
  artifact: string;
  kind: ArtifactKind;
  description: string;
  /** From the ordered data to this artifact: the order's target (`photos`), then each artifact in turn. */
  lineage: string[];
  /** Where it lives: its target in this plan, or a vendor (no objects here). */
  location: { target: string; backend: string; scope: unknown } | { vendor: string; description: string };
  /** An artifact at a vendor: the vendor's certificate, once attached and verified (src/app/vendor-certificates.ts). */
  vendorEvidence?: VendorEvidence;
  /**
   * With vendorEvidence: what the vendor's certificate says of its own run (its statement's `status` and
   * `completeness`), shown to the people deciding the disposition. Kept here only: our statement binds the
   * vendor's certificate by its digests (vendorEvidence), never these.
   */
  vendorStatus?: {
    status: 'complete' | 'complete-with-exceptions';
    completeness: { planned: number; destroyed: number; retained: number; exceptions: number };
  };
  /** An approver's signed decision about an artifact at a vendor (src/app/dispositions.ts). */
  disposition?: {
    disposition: Exclude<Disposition, 'destroyed' | 'not-in-plan'>;
    justification?: string;
    signedBy: DispositionSignature;
  };
}

export interface PlanTarget {
  /** The name records, lists and the certificate use: the backend's for the order's targets. */
  name: string;
  backend: string;
  scope: unknown;
  holds: HoldSpec[];
  /** Set for a derived artifact's target. */
  artifact?: string;
}

/** The derived artifacts the order's current plan reached (empty without includeDerived, or before a plan). */
export function plannedArtifacts(order: OrderRow): PlannedArtifact[] {
  return order.derived === null ? [] : (JSON.parse(order.derived) as PlannedArtifact[]);
}

/**
 * The order's targets, then its planned artifacts' targets. Holds name a
 * backend: an artifact's target gets the holds of its backend, renamed to it,
 * so that a hold protects an object whichever target lists it.
 */
export function planTargets(order: OrderRow): PlanTarget[] {
  const doc = orderDocument(order);
  const own: PlanTarget[] = doc.targets.map((t) => ({ name: t.backend, backend: t.backend, scope: t.scope, holds: holdsFor(doc, t.backend) }));
  const derived = plannedArtifacts(order).flatMap((a): PlanTarget[] => {
    if (!('target' in a.location)) return [];
    const { target, backend, scope } = a.location;
    return [{ name: target, backend, scope, holds: holdsFor(doc, backend).map((h) => ({ ...h, target })), artifact: a.artifact }];
  });
  return [...own, ...derived];
}

/** The plan target of this name (a job's, a record's). */
export function planTarget(order: OrderRow, name: string): PlanTarget | undefined {
  return planTargets(order).find((t) => t.name === name);
}
