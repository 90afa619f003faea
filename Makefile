# The two commands a new machine needs (see README): `make app` and `make test`.
PYTHON ?= python3
# apt needs root: prefix it with sudo when not root and sudo exists; empty as root (CI) or without sudo.
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null && echo sudo)

.PHONY: install system-deps test app

install:
	$(PYTHON) -m pip install --quiet -e ".[test]"

# Debian packages the tests drive: Chromium for the browser test, PostgreSQL for the store,
# bcftools/tabix for VCF fixtures and benchmarks, poppler for reading PDFs back.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v bcftools >/dev/null || ! command -v tabix >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v pdftotext >/dev/null; then \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver postgresql bcftools tabix poppler-utils >/dev/null; \
	fi

test: system-deps install
	$(PYTHON) -m pytest -q

app: install
	$(PYTHON) -m streamlit run app.py
