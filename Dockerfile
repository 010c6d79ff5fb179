# One image for both processes: `serve` (API + coordinator; the default) and
# `worker` (`docker run IMAGE worker`). The sources are TypeScript run through
# tsx at runtime, as `npm ci` gives them (tsx and esbuild are runtime
# dependencies): there is no build step to copy out.
# Not built or run on the machine where it was written (no container engine
# there); docs/DOCKER.md says how to use it, test/docs/docker-files.test.ts
# checks it statically.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# For better-sqlite3's native build, used only when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Runtime dependencies only, exactly as locked. Install scripts run only for
# the packages that package.json's allowScripts allows (better-sqlite3,
# esbuild, msgpackr-extract; never @scarf/scarf's telemetry): the npm in this
# image predates allowScripts, so scripts are off and those three are rebuilt.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild msgpackr-extract \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM to node (which closes the queue, the
# workers and the ledger gracefully) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 shredproof \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin shredproof \
 && mkdir -p /data /keys /queue-key \
 && chown 10001:10001 /data /keys /queue-key \
 && chmod 0700 /data /keys /queue-key
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data \
    SHREDPROOF_KEY=/keys/signing-key.pem \
    SHREDPROOF_BACKENDS=/etc/shredproof/backends.json \
    HOST=0.0.0.0 \
    PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY workers ./workers
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
# /healthz of `serve` (the process answers). A worker has no HTTP port: run it
# with --no-healthcheck (docker-compose.yml disables the check for workers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('node:http').get({ host: '127.0.0.1', port: process.env.PORT || 8080, path: '/healthz', timeout: 4000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('timeout', () => process.exit(1)).on('error', () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/shredproof.js"]
CMD ["serve"]
