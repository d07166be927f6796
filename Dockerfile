# syntax=docker/dockerfile:1
#
# databox-bot container image.
#
#   docker build -t databox-bot .
#   docker run -d --name databox-bot --hostname databox-bot --init --restart unless-stopped --stop-timeout 30 \
#     --user "$(id -u dagster):$(id -g dagster)" --pid=host --add-host=host.docker.internal:host-gateway \
#     --env-file .env -e TINI_SUBREAPER=1 -e DATABOX_ROOT=/databox -e DAGSTER_HOME=/databox/.dagster \
#     -e DAGSTER_URL=http://host.docker.internal:3000 \
#     -v /srv/databox:/databox -v databox-bot-state:/var/lib/databox-bot -v databox-bot-uv:/home/node \
#     databox-bot-site
#
# README.md's "Docker" section says why each of these, and how to create the two volumes for the stack's user and fill
# databox-bot-uv once per deploy (uv sync) so no incident downloads Python. In short: --user, the files the bot creates
# in the checkout belong to the stack's user; --pid=host, the bot sees the host's processes that hold the DuckDB file
# (/proc/locks lists only the container's own PID namespace); DAGSTER_URL, 127.0.0.1 would be the container itself.
#
# --hostname: a plan's process is recorded with the host it ran on. A container recreated under the same name (one bot
# per state volume) finds a plan the old one was killed in as gone, and records it as interrupted at its start; under a
# new name (Docker's default, the container id) it cannot see the old one's processes, so the plan stays running until
# two people unlock it (/databox unlock), as the start's log and /databox status say.
#
# --env-file keeps quotes as part of a value (unlike npm start's .env): write SLACK_SIGNING_SECRET=abc…, not "abc…".
#
# The terminal front end inside the container (Slack down): docker exec -it -w /app -e USER=<you> <container> npm run --silent cli -- status
#
# --init puts a minimal init (tini) in front of the bot, so the commands it runs (and what they leave behind) are reaped;
# on a stop the bot waits a few seconds for running work, then kills running commands and records their runs as failed,
# so a --stop-timeout of 30 s lets that finish. A bot killed outright stops what it left running when it starts again.
# TINI_SUBREAPER=1: under --pid=host tini is not PID 1; without it, orphans go to the host's init and tini warns at every
# start ("Tini is not running as PID 1 and isn't registered as a child subreaper"); with it, tini registers as a child
# subreaper, and they go to it and are reaped. Without --pid=host tini is PID 1 and the variable changes nothing.
#
# --restart unless-stopped: a bot that ends by itself (a reboot, Docker's daemon restarted, the OOM killer, a crash, the
# app token refused by Slack, exit 2) is started again instead of staying down; a start refused while a dead bot's lock
# is younger than 60 s (exit 2) is tried again until it is taken over. docker stop and docker kill leave it stopped.
#
# Socket Mode (SLACK_APP_TOKEN set) needs no published port. HTTP mode (SLACK_SIGNING_SECRET, no
# SLACK_APP_TOKEN) listens on PORT (default 3000) inside the container: publish it on a free host port on loopback,
# `-p 127.0.0.1:8080:3000` (the host's 3000 is usually Dagster's webserver, and a host port in use stops the container
# from starting), and put the TLS proxy that Slack's Request URLs name (https://<host>/slack/events) in front of it.
#
# ── External tools: uv and task ─────────────────────────────────────────────────────────────
# The runbooks run `uv run sqlmesh …` and `task …` inside the databox checkout (DATABOX_ROOT).
# This image holds neither the checkout nor those tools:
#   * Mount the checkout at /databox and set DATABOX_ROOT=/databox (otherwise DATABOX_ROOT defaults
#     to the working directory, /app, which is the bot itself). The checkout must be writable by the
#     container's user (run it as the stack's own with --user): the recovery paths move database files there.
#     uv keeps the project's environment, its cache and its Pythons under /home/node (the ENV below), not in the
#     checkout's .venv, which belongs to the host's Python: keep /home/node on a volume and warm it once per deploy.
#   * Put `uv` and `task` on PATH, in one of two ways:
#     a) build a site image FROM this one that adds them, for example:
#
#          FROM databox-bot
#          USER root
#          # uv (and uvx) from Astral's image; uv downloads a managed Python on first use into
#          # UV_PYTHON_INSTALL_DIR (below), unless the checkout pins a system one.
#          # Pin the uv version you use (ghcr.io/astral-sh/uv:<version>), as uv's docs advise; latest moves.
#          COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /usr/local/bin/
#          # task (go-task): a single static binary from its GitHub release (pin the one you use;
#          # task_linux_arm64.tar.gz on arm64 hosts).
#          ARG TASK_VERSION=v3.44.0
#          ADD https://github.com/go-task/task/releases/download/${TASK_VERSION}/task_linux_amd64.tar.gz /tmp/task.tar.gz
#          RUN tar -xzf /tmp/task.tar.gz -C /usr/local/bin task && rm /tmp/task.tar.gz
#          USER node
#          ENV DATABOX_ROOT=/databox
#
#     b) or mount static Linux binaries of the host's architecture read-only:
#          -v /usr/local/bin/uv:/usr/local/bin/uv:ro -v /usr/local/bin/task:/usr/local/bin/task:ro
#
# Child processes inherit the container's environment minus every SLACK_* variable, so pass
# MOTHERDUCK_TOKEN (and whatever else the databox Taskfile needs) with -e or --env-file. The bot itself reaches
# MotherDuck with the motherduck extension installed at build time (below), so it needs no download at run time.

# ── Build stage: compile TypeScript to dist/ ────────────────────────────────────────────────
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY handlers ./handlers
COPY scripts/build.mjs scripts/build-record.mjs ./scripts/
# `npm run build` is `tsc -p tsconfig.build.json` (scripts/build.mjs): src/ and handlers/ → dist/src, dist/handlers,
# and dist/build-complete.json once tsc has succeeded.
RUN npm run build
# The motherduck DuckDB extension, installed now so the image reaches MotherDuck without downloading anything at run
# time. DuckDB would otherwise fetch it on first use from extensions.duckdb.org into ~/.duckdb/extensions. INSTALL
# runs through the same @duckdb/node-api (same package-lock, so the same DuckDB version and platform) the bot uses, and
# writes <dir>/<duckdb version>/<platform>/motherduck.duckdb_extension. Build with network access; on a multi-arch
# build each platform installs its own file.
RUN node dist/src/database/install-extension.js /opt/duckdb/extensions

# ── Runtime stage: production dependencies, compiled code and runbooks only ────────────────
FROM node:22-bookworm-slim AS runtime
# UV_THREADPOOL_SIZE: a backstop for binds a hung mount holds (src/duckdb/scan.ts bounds them), each of which keeps one
# of libuv's pool threads, 4 by default, which file reads, the journal's fsync and DNS share.
ENV NODE_ENV=production \
    DATABOX_STATE_DIR=/var/lib/databox-bot \
    UV_THREADPOOL_SIZE=16
WORKDIR /app
# The system's CA certificates: the slim image removes them after installing Node. Node carries its own list, so Slack
# works without them, but DuckDB's motherduck extension (and the Python tools a site image adds) verify TLS against the
# system's, and without them MotherDuck cannot be reached.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# @duckdb/node-api's native binding comes prebuilt (@duckdb/node-bindings-linux-*), so no compiler is needed.
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# `npm run cli` runs the built CLI here (tsx, which runs it from source in a checkout, is a dev dependency), so the
# commands the bot's messages name (npm run --silent cli -- unlock …, journal repair …) work in the container too.
RUN npm pkg set scripts.cli="node dist/src/cli.js" && npm pkg delete scripts.prestart
# Read-only for the bot; DATABOX_DUCKDB_EXTENSION_DIRECTORY makes its MotherDuck connection look here (extension_directory).
COPY --from=build /opt/duckdb/extensions /opt/duckdb/extensions
ENV DATABOX_DUCKDB_EXTENSION_DIRECTORY=/opt/duckdb/extensions
# The bundled runbooks; DATABOX_RUNBOOKS_DIR points elsewhere to use your own.
COPY runbooks ./runbooks
# Checked once here, so a broken bundled runbook fails the build, and their clean load kept under node_modules/.cache
# (README, "The load kept on disk"): written by root now, read by the bot, so its starts skip the ~0.6 s of parsing and
# checking. Runbooks of your own (DATABOX_RUNBOOKS_DIR) are read in full at each start, as the bot may not write there.
RUN node dist/src/cli.js runbooks check
# The journal (journal.jsonl) and the full outputs of steps live in the state directory: keep it on a volume.
RUN mkdir -p /var/lib/databox-bot && chown node:node /var/lib/databox-bot
VOLUME ["/var/lib/databox-bot"]

# uv, in a site image that adds it: the project's environment outside the checkout (its .venv is the host's, built
# for the host's Python; syncing it here would break the host's Dagster), and the cache and managed Pythons beside it on
# one file system, so uv links rather than copies. All under HOME, set here because a --user uid the image does not
# know would get HOME=/. Mount a volume on /home/node: otherwise the first `uv run` of an incident downloads into the
# container's layer.
ENV HOME=/home/node \
    UV_PROJECT_ENVIRONMENT=/home/node/venv \
    UV_CACHE_DIR=/home/node/.cache/uv \
    UV_PYTHON_INSTALL_DIR=/home/node/.local/share/uv/python

# The code under /app stays owned by root and read-only for the bot.
USER node

# Used in HTTP mode only (Bolt's receiver on PORT, with /slack/events and /healthz); Socket Mode's /healthz listens on
# 127.0.0.1 (HEALTH_PORT) only, so there is nothing to expose.
EXPOSE 3000

# GET /healthz must answer 200: in HTTP mode on PORT, in Socket Mode (SLACK_APP_TOKEN set) on 127.0.0.1:HEALTH_PORT
# (8099), which the bot serves on loopback only (nothing published), answering 503 once its Socket Mode connection has
# been down more than 2 minutes or its event loop does not answer within 2 s. The check reads its settings as the bot
# does, the environment and then /app/.env when one is mounted there, so a PORT, HEALTH_PORT or SLACK_APP_TOKEN set in
# either is followed; a failed check says why in `docker inspect`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "/app/dist/src/healthcheck.js"]

# Full paths, so a site image that sets another WORKDIR (the checkout, say) still starts and checks the bot (both then
# read that folder's .env, not /app/.env).
CMD ["node", "/app/dist/src/main.js"]
