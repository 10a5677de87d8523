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
# noun definitions, the labelled corpus of the related-articles evaluation.
TEST_PACKAGES := chromium fonts-dejavu-core nginx-light python3-feedparser libxml2-utils \
	wordnet-base

.PHONY: all deps test-deps build build-asan run test test-release test-asan clean format

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

test-deps: deps
	$(call install_missing,$(TEST_PACKAGES))

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)

build-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGAZETTE_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)

run: build
	./build/gazette serve

# Every test twice: on the Release build users run, and under ASan + UBSan.
test: test-deps
	$(MAKE) --no-print-directory test-release
	$(MAKE) --no-print-directory test-asan

test-release: build
	cd build && ctest --output-on-failure -j 2

test-asan: build-asan
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build build-asan
