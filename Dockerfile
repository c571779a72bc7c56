# cogload's container image: one static binary (no cgo, so no libc), on
# distroless static (CA certificates for Cognito and S3 over TLS, time
# zone data, /etc/passwd with the nonroot user; no shell, no package
# manager). Build: docker build -t REGISTRY/cogload:TAG --build-arg VERSION=TAG .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X github.com/cogload/cogload/cli.Version=${VERSION}" -o /out/cogload .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cogload /cogload
USER 65532:65532
ENTRYPOINT ["/cogload"]
