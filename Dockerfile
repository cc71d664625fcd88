# One image for every role (SLUICE_ROLE=all|ingress|worker).
# syntax=docker/dockerfile:1.7

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/ingress/package.json apps/ingress/
COPY apps/worker/package.json apps/worker/
COPY apps/cli/package.json apps/cli/
COPY apps/server/package.json apps/server/
COPY libs/ libs/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/apps/ingress/package.json apps/ingress/
COPY --from=build /app/apps/worker/package.json apps/worker/
COPY --from=build /app/apps/cli/package.json apps/cli/
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/libs libs
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8080 SLUICE_ROLE=all
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form: node is PID 1's only child of the runtime and receives SIGTERM directly.
ENTRYPOINT ["node", "--enable-source-maps", "--max-semi-space-size=4", "dist/server.js"]
