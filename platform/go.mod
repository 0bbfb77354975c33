module github.com/tdkt-vn/tdkt/platform

go 1.26
