# tdkt — one Makefile for the whole workspace.
#
#   make run        the whole system in one process with demo data
#   make test       generated-code check, buf lint, go vet, every module's tests
#   make generate   regenerate proto/ code and the OpenAPI document
#   make bench      benchmarks (figures in README.md)

SHELL   := bash
MODULES := proto platform services/blocs services/honours services/movements services/nominations gateway tools
BIN     := $(CURDIR)/bin
GOTEST_FLAGS ?= -count=1 -timeout 20m

.PHONY: all run test unit generate check-generated lint vet tools bench bench-honours bench-large-decision bench-nominations clean

all: test

run:
	go run ./tools/devstack --demo

# Generator binaries, pinned by the tool directives of tools/codegen/go.mod.
tools: $(BIN)/buf
$(BIN)/buf: tools/codegen/go.mod tools/codegen/go.sum
	GOWORK=off go -C tools/codegen build -o $(BIN)/ tool
	@touch $@

generate: tools
	PATH="$(BIN):$$PATH" $(BIN)/buf generate

check-generated: tools
	PATH="$(BIN):$$PATH" tools/scripts/check-generated.sh

lint: tools
	$(BIN)/buf lint

vet:
	@set -e; for m in $(MODULES); do echo "go vet ./$$m/..."; (cd $$m && go vet ./...); done

test: check-generated lint vet unit

unit:
	@set -e; for m in $(MODULES); do echo "== go test ./$$m/..."; (cd $$m && go test $(GOTEST_FLAGS) ./...); done

bench:
	go run ./tools/loadgen

# The honours register in PostgreSQL (TDKT_TEST_POSTGRES_URL, an admin URL):
# import next to a bare COPY, reads. BENCH_HONOURS_FLAGS=-n 20000 for a quick run.
bench-honours:
	go run ./tools/honoursbench $(BENCH_HONOURS_FLAGS)

# A 50,000-entry decision over REST, blocs, honours and the gateway each in
# its own process: time of each step and peak RSS of each process.
bench-large-decision:
	go run ./tools/largebench $(BENCH_LARGE_FLAGS)

# Nominations, with blocs, honours and nominations each in its own process:
# ImportNominations next to :batchCreate (rows/s), the eligibility evaluation
# of a 1,000-nomination batch on submission (p50/p99), peak RSS. SQLite;
# BENCH_NOMINATIONS_FLAGS=-postgres "$$TDKT_TEST_POSTGRES_URL" for PostgreSQL.
bench-nominations:
	go run ./tools/nominationsbench $(BENCH_NOMINATIONS_FLAGS)

clean:
	rm -rf $(BIN) var
