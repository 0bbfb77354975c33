module github.com/tdkt-vn/tdkt/services/blocs

go 1.26

require (
	github.com/tdkt-vn/tdkt/platform v0.0.0
	github.com/tdkt-vn/tdkt/proto v0.0.0
)

replace (
	github.com/tdkt-vn/tdkt/platform => ../../platform
	github.com/tdkt-vn/tdkt/proto => ../../proto
)
