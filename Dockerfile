# Production image: the same code as `npm start`, run by tsx (no separate build step to drift from the tests).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY bots ./bots
COPY dialogs ./dialogs
COPY admin ./admin
COPY locales ./locales
COPY scripts ./scripts
USER node
EXPOSE 3000
CMD ["npm", "start"]
