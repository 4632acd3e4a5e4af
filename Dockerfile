# hostbaseline container image: Node.js 24 on Debian bookworm, compiled JavaScript only,
# non-root by default, plus the host programs collectors call.
#
# Build and push (README, "Container image"):
#   docker build -t ghcr.io/<you>/hostbaseline:0.1.0 .
# BASE_IMAGE is any Debian bookworm image with Node.js 24 and npm at /usr/local/bin; the
# default is the official one. test/integration/image.test.ts builds with a local base made
# from a debootstrap root plus the Node 24 binary.
#
# The Helm chart runs it as uid 0 with every capability dropped but DAC_READ_SEARCH and
# SYS_PTRACE (see helm/hostbaseline/values.yaml); as the default non-root user it still
# works and reports the sources it cannot read as collector failures.
# Only the classic builder's features are used, so it builds with or without BuildKit.
ARG BASE_IMAGE=node:24.21.0-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY metrics ./metrics
# npm ci builds (prepare): TypeScript to dist/, and the metric catalog compiled to JSON.
# No native addon is compiled: SQLite is Node's built-in node:sqlite.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev && rm -rf /root/.npm

FROM ${BASE_IMAGE}
# Programs the collectors and event sources run (README, "Container image"):
#   iptables (iptables-save, ip6tables-save), nftables (nft): firewall collector;
#   yara: yara collector; systemd (journalctl): the journal event source.
# Left out, each named in the README with what is lost:
#   smartmontools (smartctl): disks need the node's /dev and CAP_SYS_RAWIO, i.e. a privileged pod;
#   lldpd (lldpctl): pulls in Perl, net-snmp and ICU (about 80 MB) and talks to its own daemon.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables nftables yara systemd \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log
WORKDIR /app
ENV NODE_ENV=production
# Two malloc arenas instead of one per thread: 10-13 MB less resident memory (README, "Memory").
ENV MALLOC_ARENA_MAX=2
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/metrics ./metrics
COPY package.json ./
COPY bin ./bin
USER 65534:65534
EXPOSE 9855
# V8 without its optimizing compilers and a small heap keep resident memory low (README, "Memory").
# --lite-mode is not accepted in NODE_OPTIONS, so it is set here and the chart keeps this entrypoint.
ENTRYPOINT ["node", "--lite-mode", "--max-semi-space-size=1", "--max-old-space-size=128", "bin/hostbaseline-exporter.js"]
CMD ["--path.rootfs=/host"]
