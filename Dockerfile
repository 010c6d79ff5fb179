# One image for both processes: `serve` (API + coordinator; the default) and
# `worker` (`docker run IMAGE worker`). It runs the compiled JavaScript
# (`npm run build`: dist/ and packages/verify/dist/) with the production
# dependencies only: no TypeScript sources, no tsx, no esbuild.
# Not built or run on the machine where it was written (no container engine
# there); docs/DOCKER.md says how to use it, test/docs/docker-files.test.ts
# checks it statically.
#
# The base image, for every stage: Node 24 (the current LTS; Node 20 reached
# its end of life in April 2026), Debian bookworm slim, pinned by digest so that
# a rebuild gets the same bytes. The digest is the one publicly recorded for
# node:24-bookworm-slim as Node 24.18.0; it could not be pulled or verified
# where this file was written. Check and refresh it with
# `docker buildx imagetools inspect node:24-bookworm-slim` (its first
# "Digest:" line) in this one ARG, which every stage uses, and in
# docs/DOCKER.md (the procedure; test/docs/docker-files.test.ts compares them).
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

# ---- production dependencies: what the runtime's node_modules holds ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# For better-sqlite3's native build, used only when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# npm ci checks the lock against every workspace's manifest.
COPY package.json package-lock.json ./
COPY packages/verify/package.json ./packages/verify/
# Runtime dependencies only, exactly as locked (node_modules/@shredproof/verify
# is a link to ../../packages/verify). npm does not read package.json's
# allowScripts, so install scripts are off and the allowed packages that a
# production install has are rebuilt: better-sqlite3 and msgpackr-extract
# (esbuild, also allowed, is a dev dependency; @scarf/scarf's telemetry never runs).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 msgpackr-extract \
 && npm cache clean --force

# ---- build: every dependency, the sources, `npm run build` ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/verify/package.json ./packages/verify/
# esbuild's install script checks its platform binary; it bundles the verifier page and the console.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY packages/verify/tsconfig.build.json ./packages/verify/
COPY packages/verify/src ./packages/verify/src
COPY src ./src
COPY workers ./workers
# packages/verify/dist, dist/src, dist/workers, dist/src/verifier-page/verifier.html and
# dist/src/console/console.{html,js,css};
# source maps are dropped: the sources they point to are not in the image.
RUN npm run build \
 && find dist packages/verify/dist -name '*.map' -delete

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM to node (which closes the queue, the
# workers and the ledger gracefully) and reaps zombies. fonts-dejavu-core:
# the fonts a legal exhibit embeds (PDF/A embeds every font it uses).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini fonts-dejavu-core \
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
COPY --from=build /app/dist ./dist
COPY --from=build /app/packages/verify/dist ./packages/verify/dist
COPY package.json LICENSE ./
COPY packages/verify/package.json packages/verify/LICENSE ./packages/verify/
COPY packages/verify/bin ./packages/verify/bin
# No src/ here: bin/shredproof.js runs dist/src/cli/main.js when there are no sources.
COPY bin ./bin
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
# /healthz of `serve` (the process answers). A worker has no HTTP port: its
# liveness is a file it refreshes (SHREDPROOF_WORKER_HEARTBEAT_FILE), which
# docker-compose.yml's worker healthcheck reads instead of this one.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('node:http').get({ host: '127.0.0.1', port: process.env.PORT || 8080, path: '/healthz', timeout: 4000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('timeout', () => process.exit(1)).on('error', () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/shredproof.js"]
CMD ["serve"]
