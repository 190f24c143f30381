# One image for every entry point: api, worker, signer (and migrate). Pick one with the command.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY artifacts ./artifacts
RUN npm run typecheck && node --import tsx scripts/bundle-workflows.ts dist/workflow-bundle.js

FROM node:20-bookworm-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# Install scripts stay off; the one patch (see README, WORKER_DEADLOCK_DETECTION_MS) is applied explicitly.
RUN npm ci --omit=dev --ignore-scripts && npx patch-package && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY artifacts ./artifacts
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3100 9464
# node itself, not npm: SIGTERM reaches the process and starts its graceful shutdown.
CMD ["node", "--import", "tsx", "src/api/main.ts"]
