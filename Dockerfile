# The vault's image: the published app, Litestream and their two start scripts, nothing else.
# `fly deploy` builds it; this repository's CI has no Docker engine, so every step stays plain
# enough to review by eye, and Vault.Tests/Deploy checks what can be checked without building it.

# --- build: publish the vault (the test project, simulator and benchmarks stay out) ---
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY Vault.Crypto/ Vault.Crypto/
COPY Vault.Storage/ Vault.Storage/
COPY Vault.Api/ Vault.Api/
RUN dotnet publish Vault.Api -c Release -o /app -p:UseAppHost=false

# --- litestream: the official release, checked against a pinned sha256 before it is unpacked ---
# 0.3.x because litestream.yml uses the 0.3 format (`replicas:`); the tests run the same 0.3.13.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS litestream
ARG LITESTREAM_VERSION=0.3.13
ARG LITESTREAM_SHA256=eb75a3de5cab03875cdae9f5f539e6aedadd66607003d9b1e7a9077948818ba0
RUN curl -fsSL -o /tmp/litestream.tar.gz \
      "https://github.com/benbjohnson/litestream/releases/download/v${LITESTREAM_VERSION}/litestream-v${LITESTREAM_VERSION}-linux-amd64.tar.gz" \
 && echo "${LITESTREAM_SHA256}  /tmp/litestream.tar.gz" | sha256sum -c - \
 && tar -xzf /tmp/litestream.tar.gz -C /usr/local/bin

# --- runtime: ASP.NET Core on Ubuntu 24.04; its `app` user (uid 1654) runs the vault ---
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
COPY --from=litestream /usr/local/bin/litestream /usr/local/bin/litestream
COPY --from=build /app /app
COPY litestream.yml /etc/litestream.yml
COPY deploy/entrypoint.sh deploy/start.sh /app/deploy/
RUN mkdir -p /data && chown app:app /data
WORKDIR /app

ENV VAULT_DATABASE=/data/vault.db ASPNETCORE_URLS=http://0.0.0.0:8080
VOLUME /data
EXPOSE 8080

# Starts as root only to hand the (root-owned) Fly volume to `app`, then drops to it; see deploy/entrypoint.sh.
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
