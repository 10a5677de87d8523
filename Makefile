# The two commands a newcomer needs: `make run` and `make test`. Both install missing
# Debian packages first (apt-get; sudo only when not root), then build with CMake.

SHELL := /bin/bash
JOBS  ?= $(shell nproc)
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BUILD_PACKAGES := cmake g++ make pkg-config libcpp-httplib-dev libkainjow-mustache-dev \
	libsqlite3-dev libspdlog-dev catch2 libcmark-gfm-dev libcmark-gfm-extensions-dev \
	libsodium-dev zlib1g-dev libbrotli-dev
# What the tests need beyond the build: a real browser for the browser tests, nginx to
# serve an exported site, a feed parser and an XML checker for the feed tests; WordNet's
# noun definitions, the labelled corpus of the related-articles evaluation; clang and its
# runtime for the libFuzzer targets.
TEST_PACKAGES := chromium fonts-dejavu-core nginx-light python3-feedparser libxml2-utils \
	wordnet-base clang libclang-rt-14-dev

.PHONY: all deps test-deps test-packages node-deps build build-asan build-tsan build-fuzz run test \
	test-release test-asan test-tsan test-fuzz fuzz clean format

all: build

# Idempotent and near-instant when everything is there: dpkg-query, then apt-get only for
# what is missing.
define install_missing
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed$$' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PACKAGES))

# The browser test (tests/browser) needs node and npm: Debian's only when there are none
# (machines often have a newer node from elsewhere), then its pinned npm packages,
# installed again only when the lock file is newer than the last install. One chain,
# so apt never runs twice at once under make -j.
BROWSER_TEST_DIR := tests/browser

test-deps: $(BROWSER_TEST_DIR)/node_modules/.package-lock.json

test-packages: deps
	$(call install_missing,$(TEST_PACKAGES))

node-deps: test-packages
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  echo "Installing Debian packages: nodejs npm"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi

# npm ci writes node_modules/.package-lock.json last: its date is the install's.
$(BROWSER_TEST_DIR)/node_modules/.package-lock.json: $(BROWSER_TEST_DIR)/package-lock.json \
    $(BROWSER_TEST_DIR)/package.json | node-deps
	cd $(BROWSER_TEST_DIR) && npm ci --no-audit --no-fund
	@touch $@

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)

build-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGAZETTE_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)

build-tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGAZETTE_TSAN=ON
	cmake --build build-tsan -j $(JOBS) --target gazette gazette_tests gazette_storage_faults

run: build
	./build/gazette serve

# Every test twice: on the Release build users run, and under ASan + UBSan; the tests
# tagged [concurrency] (threads in the tests or in the server they start) under
# ThreadSanitizer; then a short run of every fuzz target.
test: test-deps
	$(MAKE) --no-print-directory test-release
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory test-tsan
	$(MAKE) --no-print-directory test-fuzz

test-release: build
	cd build && ctest --output-on-failure -j 2

test-asan: build-asan
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2

# A data race in the tests or in a server they start ends that process (halt_on_error),
# which fails the test; the report is in the test's output or the server's log.
test-tsan: build-tsan
	cd build-tsan && \
	  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp \
	  ./gazette_tests "[concurrency]"

# libFuzzer targets (tests/fuzz/fuzz_*.cpp) over the parsers that take outside input,
# built with clang, ASan and UBSan. Each has a committed seed corpus in
# tests/fuzz/corpus/NAME.
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.cpp)))
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_SECONDS ?= 300

build-fuzz: test-deps
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DGAZETTE_FUZZ=ON -DGAZETTE_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target $(FUZZ_TARGETS)

# $(call run_fuzz,SECONDS,NEW_INPUTS_DIR): every target in turn; the committed corpus is
# read, never written; a crash leaves its input in build-fuzz/ and fails.
define run_fuzz
	@for t in $(FUZZ_TARGETS); do \
	  name=$${t#fuzz_}; new="$(2)/$$name"; mkdir -p "$$new"; \
	  echo "fuzzing $$name for $(1) s"; \
	  ./build-fuzz/$$t -max_total_time=$(1) -max_len=65536 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/$$name- "$$new" tests/fuzz/corpus/$$name \
	    >build-fuzz/$$name.log 2>&1 || { tail -40 build-fuzz/$$name.log; exit 1; }; \
	  grep -h 'stat::number_of_executed_units' build-fuzz/$$name.log | sed "s/^/  /"; \
	done
endef

# Part of `make test`: seconds each, new inputs thrown away.
test-fuzz: build-fuzz
	@rm -rf build-fuzz/smoke
	$(call run_fuzz,$(FUZZ_SMOKE_SECONDS),build-fuzz/smoke)
	@rm -rf build-fuzz/smoke

# Longer (FUZZ_SECONDS each, 5 minutes by default); new inputs are kept in
# build-fuzz/corpus/NAME, to be minimised into tests/fuzz/corpus/NAME with -merge=1.
fuzz: build-fuzz
	$(call run_fuzz,$(FUZZ_SECONDS),build-fuzz/corpus)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build build-asan build-tsan build-fuzz
