# pactreg: a static binary on a minimal, non-root base image.
#   docker build -t pactreg .
#   docker run -p 8080:8080 -v pactreg-data:/data pactreg                      # embedded SQLite in /data
#   docker run -p 8080:8080 -e PACTREG_DATABASE_URL=postgres://… pactreg       # PostgreSQL
# Configuration: the same PACTREG_* variables as `go run ./server` (README).
# CI runs the same `go build` line outside Docker (.ci/run).

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV GOTOOLCHAIN=local CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pactreg ./server \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pactreg /pactreg
# The embedded database lives in /data (owned by the non-root user 65532).
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV PACTREG_ADDR=0.0.0.0:8080 \
    PACTREG_DATABASE_URL=/data/pactreg.db
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/pactreg", "healthcheck"]
ENTRYPOINT ["/pactreg"]
