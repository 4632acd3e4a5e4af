# hostbaseline container image: compiled JavaScript only, non-root by default.
# Build:  docker build -t hostbaseline:0.1.0 .
# The Helm chart runs it as uid 0 with every capability dropped but DAC_READ_SEARCH and
# SYS_PTRACE (see helm/hostbaseline/values.yaml); as the default non-root user it still
# works and reports the sources it cannot read as collector failures.

FROM node:20.19.5-bookworm AS build
WORKDIR /src
# better-sqlite3 builds its native addon here (python3, make and g++ are in this image).
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY metrics ./metrics
# npm ci builds (prepare): TypeScript to dist/, and the metric catalog compiled to JSON.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20.19.5-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY --from=build /src/metrics ./metrics
USER 65534:65534
EXPOSE 9855
# The V8 heap settings keep resident memory low (README, "Memory").
ENTRYPOINT ["node", "--max-semi-space-size=1", "--max-old-space-size=128", "bin/hostbaseline-exporter.js"]
CMD ["--path.rootfs=/host"]
