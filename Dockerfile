# The glpi-bridge worker / CLI image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
# The build compiles and makes the workflow bundle ahead: the worker loads it instead of running webpack.
RUN bash scripts/build.sh && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY examples ./examples
# DATA_DIR (inventory snapshots) must be writable by the unprivileged user; mount a volume here to keep it.
RUN mkdir -p /app/.data && chown node:node /app/.data
ENV DATA_DIR=/app/.data
# 9464: the worker's Prometheus metrics; 8090: the alert receiver (`serve`).
EXPOSE 9464 8090
USER node
ENTRYPOINT ["node", "bin/glpi-bridge"]
CMD ["worker"]
