// Which registered artifacts were derived, directly or transitively, from the
// data an order plans to destroy (docs/ORDERS.md "Derived artifacts"). Run by
// planning, after the order's own targets are listed into the inventory:
//  - an artifact with a scope input is reached when that scope, listed by its
//    backend, holds an object the plan lists under one of the order's targets
//    on that backend (held objects count: the data was used, whatever happens
//    to it now; the approver may retain the artifact with a justification);
//  - an artifact with an uploaded manifest is reached when a line names such
//    an object; a manifest declared but not uploaded cannot be decided, and
//    the plan says so instead of passing over it;
//  - an artifact with an input artifact that is reached is reached, with the
//    lineage path through it.
// Inputs are registered before what is derived from them (src/app/artifacts.ts),
// so one pass in registration order sees every input before its dependants.
import type { EngineDeps } from './deps.js';
import { BackendUnavailableError } from './errors.js';
import type { ArtifactRow } from './ports/artifacts.js';
import { DERIVED_TARGET_PREFIX, type PlannedArtifact, type PlanTarget } from './plan-targets.js';

export interface LineageWalk {
  reached: PlannedArtifact[];
  /** Artifacts the walk could not decide (a manifest not uploaded): the plan lists them as findings. */
  undecided: Array<{ artifact: string; problem: string }>;
}

/** Whether `scope` on `backend`, as its backend lists it, holds an object the plan lists under `target`. */
async function scopeMeetsPlan(deps: EngineDeps, orderId: string, target: PlanTarget, scope: unknown): Promise<boolean> {
  let session;
  try {
    session = await deps.backends.get(target.backend).openTarget(scope, []);
  } catch (e) {
    throw new BackendUnavailableError(target.backend, e);
  }
  try {
    for await (const page of session.list()) {
      for (const o of page) if (deps.ledger.findByLocator(orderId, target.name, o.locator)) return true;
    }
    return false;
  } finally {
    await session.close();
  }
}

/** The first target of the plan (by the order of `listed`) that lists an object an uploaded manifest names. */
function manifestMeetsPlan(deps: EngineDeps, orderId: string, listed: readonly PlanTarget[], artifact: string): PlanTarget | undefined {
  let first: number | undefined;
  for (let after = -1; ; ) {
    const page = deps.ledger.artifacts.manifestEntries(artifact, { after, limit: 5000 });
    if (page.length === 0) break;
    for (const e of page) {
      listed.forEach((t, i) => {
        if ((first === undefined || i < first) && t.backend === e.backend && deps.ledger.findByLocator(orderId, t.name, e.locator)) first = i;
      });
      if (first === 0) return listed[0];
    }
    after = page[page.length - 1]!.index;
  }
  return first === undefined ? undefined : listed[first];
}

function planned(a: ArtifactRow, lineage: string[]): PlannedArtifact {
  const location: PlannedArtifact['location'] =
    'backend' in a.location ? { target: `${DERIVED_TARGET_PREFIX}${a.name}`, backend: a.location.backend, scope: a.location.scope } : { vendor: a.location.vendor, description: a.location.description };
  return { artifact: a.name, kind: a.kind, description: a.description, lineage, location };
}

/**
 * Walks the registry for an order whose targets `listed` (the order's own,
 * then any artifact's already listed) are in the inventory, and returns the
 * artifacts it reaches that `known` does not hold. `known`: artifacts an
 * earlier walk reached, taken as reached with their lineage whatever the
 * stores hold now: at the certificate, the data a scope input named may be
 * destroyed, and what was derived through a planned artifact must still be
 * found. Planning walks again after listing what a walk reached, until a walk
 * reaches nothing new: an artifact whose scope input is another artifact's
 * files is reached through it. (An artifact whose only link is a scope input,
 * registered after the plan, is found only while some of that data remains,
 * held objects for instance; one with an uploaded manifest is found by the
 * inventory, always.)
 */
export async function walkLineage(deps: EngineDeps, orderId: string, listed: readonly PlanTarget[], known: readonly PlannedArtifact[] = []): Promise<LineageWalk> {
  const paths = new Map<string, string[]>(known.map((a) => [a.artifact, a.lineage]));
  /** The lineage that a hit in target `t` gives: the order's target itself, or the path of the artifact whose target it is. */
  const through = (t: PlanTarget, name: string): string[] | undefined => {
    if (t.artifact === undefined) return [t.name, name];
    const p = paths.get(t.artifact);
    return p ? [...p, name] : undefined;
  };
  const reached: PlannedArtifact[] = [];
  const undecided: LineageWalk['undecided'] = [];
  for (const a of deps.ledger.artifacts.artifacts()) {
    if (paths.has(a.name)) continue;
    let path: string[] | undefined;
    let cannotTell: string | undefined;
    for (const input of a.inputs) {
      if ('artifact' in input) {
        const through = paths.get(input.artifact);
        if (through) path = [...through, a.name];
      } else if ('scope' in input) {
        for (const t of listed.filter((x) => x.backend === input.scope.backend)) {
          if (await scopeMeetsPlan(deps, orderId, t, input.scope.scope)) path = through(t, a.name);
          if (path) break;
        }
      } else if (a.manifest?.uploadedAt) {
        const t = manifestMeetsPlan(deps, orderId, listed, a.name);
        if (t) path = through(t, a.name);
      } else {
        cannotTell = `its manifest (${input.manifest.treeSize} inputs) was declared but never uploaded: the plan cannot tell whether it was derived from this order's data; upload it (shredproof artifact register) and plan again`;
      }
      if (path) break;
    }
    if (path) {
      paths.set(a.name, path);
      reached.push(planned(a, path));
    } else if (cannotTell) {
      undecided.push({ artifact: a.name, problem: cannotTell });
    }
  }
  return { reached, undecided };
}
