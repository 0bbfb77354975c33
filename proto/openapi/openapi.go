// Package openapi holds the OpenAPI (Swagger 2.0) document of the REST edge,
// generated from the protos by protoc-gen-openapiv2.
package openapi

import _ "embed"

// JSON is the merged OpenAPI document of every service.
//
//go:embed tdkt.swagger.json
var JSON []byte
