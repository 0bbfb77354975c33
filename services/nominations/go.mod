module github.com/tdkt-vn/tdkt/services/nominations

go 1.26.0

require (
	github.com/stretchr/testify v1.12.1
	github.com/tdkt-vn/tdkt/platform v0.0.0
	golang.org/x/text v0.43.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	google.golang.org/genproto v0.0.0-20261026165753-2ffab32bce7e // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/tdkt-vn/tdkt/platform => ../../platform
	github.com/tdkt-vn/tdkt/proto => ../../proto
)
