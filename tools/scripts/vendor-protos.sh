#!/usr/bin/env bash
# Refreshes the third-party .proto files under proto/third_party from their
# published packages (the Buf Schema Registry is not used):
#   googleapis  - npm package google-proto-files
#   protovalidate - Go module github.com/bufbuild/protovalidate
# Only the files tdkt imports are copied, with their licences.
set -euo pipefail
cd "$(dirname "$0")/../.."

GOOGLE_PROTO_FILES_VERSION=${GOOGLE_PROTO_FILES_VERSION:-6}
PROTOVALIDATE_VERSION=${PROTOVALIDATE_VERSION:-v1.2.2}

dest=proto/third_party
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "google-proto-files@${GOOGLE_PROTO_FILES_VERSION}" >/dev/null && tar xzf google-proto-files-*.tgz)
for f in google/api/annotations.proto google/api/http.proto google/api/field_behavior.proto \
         google/api/resource.proto google/api/httpbody.proto google/api/client.proto \
         google/api/launch_stage.proto \
         google/rpc/status.proto google/rpc/code.proto google/rpc/error_details.proto \
         google/type/date.proto; do
  mkdir -p "$dest/$(dirname "$f")"
  cp "$work/package/$f" "$dest/$f"
done
cp "$work/package/LICENSE" "$dest/google/LICENSE"

pv=$(GOWORK=off GOFLAGS=-mod=mod go mod download -json "github.com/bufbuild/protovalidate@${PROTOVALIDATE_VERSION}" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
mkdir -p "$dest/buf/validate"
cp "$pv/proto/protovalidate/buf/validate/validate.proto" "$dest/buf/validate/validate.proto"
cp "$pv/LICENSE" "$dest/buf/LICENSE"
chmod -R u+w "$dest"
echo "vendored into $dest"
