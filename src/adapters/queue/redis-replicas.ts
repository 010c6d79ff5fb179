// A write that survives a failover. Redis replicates asynchronously: a master
// acknowledges a write before any replica has it, and a replica promoted after
// the master's crash may lack it. For an intent (the content hash recorded
// before a destroy) that would break invariant 3, so an intent counts as
// recorded only once every replica that could take over its master has it:
// the write, WAIT for that many replicas, and the master's own count of its
// replicas go in one pipeline, on the connection that wrote (WAIT waits for
// that connection's writes). On a cluster the count is the cluster's view of
// the master's replicas (CLUSTER NODES: connected or not, any but those marked
// failed); with one Redis, its connected replicas (INFO replication). A master
// without replicas needs no WAIT: its own AOF (appendfsync always) is the
// durability, and it is checked at start (redis-connection.ts).
//
// Every key of a deployment lives in one slot (the hash-tagged prefix), so one
// replication stream carries them in order: a replica that has an intent has
// the order spec and every job written before it.
import { isCluster, type RedisClient } from './redis-connection.js';

/** The reply of CLUSTER NODES: how many replicas of the answering master could be promoted. */
export function replicasOfMyself(clusterNodes: string): { node: string; replicas: number } {
  const rows = clusterNodes
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(' '));
  const me = rows.find((r) => (r[2] ?? '').split(',').includes('myself'));
  if (!me || !(me[2] ?? '').split(',').includes('master')) throw new Error('the node that took the write is not a master');
  const replicas = rows.filter((r) => {
    const flags = (r[2] ?? '').split(',');
    return r[3] === me[0] && flags.includes('slave') && !flags.some((f) => f === 'fail' || f === 'noaddr' || f === 'handshake');
  }).length;
  return { node: (me[1] ?? '?').split('@')[0]!, replicas };
}

/** INFO replication of one Redis: its connected replicas. */
export function replicasOfServer(info: string): { node: string; replicas: number } {
  const m = /^connected_slaves:(\d+)\r?$/m.exec(info);
  if (!m) throw new Error('INFO replication did not say how many replicas there are');
  return { node: 'the Redis server', replicas: Number(m[1]) };
}

const REDIRECTED = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN)\b|Connection is closed/;

export class ReplicatedWrites {
  /** How many replicas the master had at the last write: the next WAIT asks for that many. */
  private replicas = 0;

  constructor(
    private readonly client: RedisClient,
    private readonly timeoutMs: number,
  ) {}

  /**
   * HSET `args` on `key`, resolved once the master and every replica that
   * could replace it have the write; rejects otherwise (nothing may be
   * destroyed then: the caller's job is retried). `what` names the write in errors.
   */
  async hset(key: string, args: readonly string[], what: string): Promise<void> {
    const cluster = isCluster(this.client);
    // A replica count that changed between the WAIT and the count is retried; it settles at once.
    for (let round = 0; round < 3; round++) {
      const want = this.replicas;
      const pipe = this.client.pipeline().hset(key, ...args);
      if (want > 0) pipe.wait(want, this.timeoutMs);
      if (cluster) pipe.cluster('NODES');
      else pipe.info('replication');
      const replies = (await pipe.exec()) ?? [];
      const failed = replies.find(([e]) => e !== null)?.[0];
      if (failed || replies.length !== (want > 0 ? 3 : 2)) {
        // A master that moved or went down: let the cluster client read the slot map again.
        if (cluster && REDIRECTED.test(failed?.message ?? '')) this.client.refreshSlotsCache();
        throw new Error(`${what} could not be recorded in Redis: ${failed?.message ?? `${replies.length} replies`}`);
      }
      const acked = want > 0 ? Number(replies[1]![1]) : 0;
      const text = String(replies[replies.length - 1]![1]);
      const seen = cluster ? replicasOfMyself(text) : replicasOfServer(text);
      this.replicas = seen.replicas;
      if (acked >= want && seen.replicas <= want) return;
      if (acked < want && seen.replicas >= want) {
        throw new Error(
          `${what} reached ${acked} of the ${want} replicas of ${seen.node} in ${this.timeoutMs} ms: a replica is down or behind, and it could take over without the write; nothing is destroyed until every replica has it`,
        );
      }
    }
    throw new Error(`${what}: the replicas of its Redis master kept changing; retrying`);
  }
}
