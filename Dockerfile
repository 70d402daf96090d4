# One image per function, selected by the FUNCTION build argument (stack.yml: lang dockerfile, build_args FUNCTION).
# Build stage bundles with esbuild; runtime is node:20-alpine behind of-watchdog in HTTP mode, as a non-root user.
FROM ghcr.io/openfaas/of-watchdog:0.10.9 AS watchdog

FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
ARG FUNCTION
RUN test -n "$FUNCTION" && node scripts/build.mjs "$FUNCTION" setup-minio-events

FROM node:20-alpine
ARG FUNCTION
RUN apk add --no-cache ca-certificates tzdata && addgroup -S app && adduser -S -G app -u 10001 app
COPY --from=watchdog /fwatchdog /usr/bin/fwatchdog
WORKDIR /home/app
COPY --from=build /src/dist/functions/${FUNCTION}.mjs ./function.mjs
COPY --from=build /src/dist/functions/${FUNCTION}.mjs.map ./function.mjs.map
COPY --from=build /src/dist/setup-minio-events.mjs ./setup-minio-events.mjs
USER 10001
# of-watchdog proxies to the function's own HTTP server ($PORT); timeouts are overridden per function in stack.yml.
ENV fprocess="node --enable-source-maps /home/app/function.mjs" \
    mode="http" \
    upstream_url="http://127.0.0.1:3000" \
    PORT="3000" \
    prefix_logs="false" \
    log_callid="true" \
    exec_timeout="30s" \
    read_timeout="35s" \
    write_timeout="35s" \
    healthcheck_interval="5s"
EXPOSE 8080
HEALTHCHECK --interval=5s CMD [ -e /tmp/.lock ] || exit 1
CMD ["fwatchdog"]
