# The ledger node (api, silo or both, by LEDGER_ROLE). Built from the repository root:
#   docker build -t ledger-node .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish api/Ledger.Api/Ledger.Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The data folder holds only the generated operator key when LEDGER_DB is set; the image runs as the
# unprivileged user of the base image.
RUN mkdir -p /data && chown app /data
USER app
ENV LEDGER_URLS=http://0.0.0.0:5080 \
    LEDGER_DATA_DIR=/data
EXPOSE 5080
ENTRYPOINT ["dotnet", "Ledger.Api.dll"]
