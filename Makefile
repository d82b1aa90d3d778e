# Action alerts: build, check, preview and publish the site.
# `make html` and `make test` are all a fresh machine needs: each installs what it uses.

PY ?= python3
VENV ?= $(CURDIR)/.venv
PYTHON := $(VENV)/bin/python
# V=1 (`make html V=1`): log the build's progress, and the traceback where code failed.
SITE := PYTHONPATH=$(CURDIR)/plugins $(PYTHON) -m alerts$(if $(filter 1,$(V)), -v)

INPUTDIR ?= $(CURDIR)/content
OUTPUTDIR ?= $(CURDIR)/output
CONFFILE ?= $(CURDIR)/pelicanconf.py
PUBLISHCONF ?= $(CURDIR)/publishconf.py
PORT ?= 8000

SSH_HOST ?= localhost
SSH_PORT ?= 22
SSH_USER ?= root
SSH_TARGET_DIR ?= /var/www
GITHUB_PAGES_BRANCH ?= gh-pages

N ?= 100 1000
FORMAT ?= text
PYTEST_ARGS ?=
# SOURCE_DATE_EPOCH, when set in the environment, is the build's "now" (reproducible builds).
# A bare `export` would hand an unset one to every command as an empty string, which
# fontTools and fontconfig choke on; pass it on only when it has a value.
ifneq ($(strip $(SOURCE_DATE_EPOCH)),)
export SOURCE_DATE_EPOCH
else
unexport SOURCE_DATE_EPOCH
endif

SITE_ARGS = -s $(CONFFILE) -i $(INPUTDIR) -o $(OUTPUTDIR)

.PHONY: help html clean regenerate serve devserver publish github rsync_upload check new \
	test test-tools lint screenshots bench lock schedule

help:
	@echo 'Makefile for an action-alerts site'
	@echo ''
	@echo 'Usage:'
	@echo '   make html                 build the site into $(OUTPUTDIR) (installs .venv on first run)'
	@echo '   make test                 install the test tools and run the whole test suite'
	@echo '   make check                check every alert without writing a site'
	@echo '   make new TITLE="..."      write a new alert file in $(INPUTDIR)/alerts/'
	@echo '   make schedule [FORMAT=json] when the clock alone will change the site (rebuild then)'
	@echo '   make clean                remove the generated files'
	@echo '   make regenerate           rebuild whenever content or theme change'
	@echo '   make serve [PORT=8000]    serve $(OUTPUTDIR) at http://127.0.0.1:$(PORT)/'
	@echo '   make devserver [PORT=8000] rebuild on change (PDFs off for speed) and serve'
	@echo '   make publish              build with $(PUBLISHCONF) (absolute URLs, PDFs on)'
	@echo '   make github               publish, then push $(OUTPUTDIR) to the $(GITHUB_PAGES_BRANCH) branch'
	@echo '   make rsync_upload         publish, then rsync $(OUTPUTDIR) to $(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)'
	@echo '   make screenshots          PNG screenshots of the built site into docs/'
	@echo '   make bench [N="100 1000"] benchmark against bare Pelican (not part of make test)'
	@echo ''
	@echo 'Paths: INPUTDIR, OUTPUTDIR, CONFFILE and PUBLISHCONF may be set on the command line.'

$(VENV)/.installed: requirements.lock
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
	touch $@

html: $(VENV)/.installed
	$(SITE) build $(SITE_ARGS)

check: $(VENV)/.installed
	$(SITE) check $(SITE_ARGS)

# Only the schedule on stdout (FORMAT=json is read by deploy tooling): the command is not echoed.
schedule: $(VENV)/.installed
	@$(SITE) schedule -s $(CONFFILE) -i $(INPUTDIR) --format $(FORMAT)

# TITLE reaches the command through the environment, so `$`, quotes and backticks in a
# title stay text instead of being run by the shell.
new: export ALERT_TITLE := $(value TITLE)
new: $(VENV)/.installed
	@test -n "$$ALERT_TITLE" || { echo 'usage: make new TITLE="Tell Congress: ..."'; exit 2; }
	@$(SITE) new --title "$$ALERT_TITLE" -i $(INPUTDIR)

clean:
	rm -rf $(OUTPUTDIR) $(dir $(OUTPUTDIR)).$(notdir $(OUTPUTDIR)).spare $(CURDIR)/.cache

regenerate: $(VENV)/.installed
	$(SITE) watch $(SITE_ARGS)

serve: $(VENV)/.installed
	$(SITE) serve -o $(OUTPUTDIR) --port $(PORT)

devserver: $(VENV)/.installed
	$(SITE) devserver $(SITE_ARGS) --port $(PORT)

publish: $(VENV)/.installed
	$(SITE) build -s $(PUBLISHCONF) -i $(INPUTDIR) -o $(OUTPUTDIR)

github: publish
	$(VENV)/bin/ghp-import -m "Generate the alerts site" -b $(GITHUB_PAGES_BRANCH) $(OUTPUTDIR) --no-jekyll
	git push origin $(GITHUB_PAGES_BRANCH)

# No --cvs-exclude: its list skips any file or folder named `tags` (output/tags/ holds
# every topic page) or `core`; the output has no version-control files to leave out.
rsync_upload: publish
	rsync -e "ssh -p $(SSH_PORT)" -P -rvzc --delete "$(OUTPUTDIR)"/ "$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)"

# Test tools: Debian's Chromium and PDF/QR readers, fonts for every script the cards
# draw, the npm quality-gate tools (axe-core, vnu-jar, lighthouse) and the Python test
# packages. Each step runs only when something is missing.
APT_PACKAGES := chromium chromium-driver fonts-liberation fonts-noto-core fonts-noto-cjk \
	poppler-utils zbar-tools default-jre-headless
test-tools: $(VENV)/.test-installed
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing with apt:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@if [ -f package-lock.json ] && [ ! -f node_modules/.package-lock.json -o package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; fi

test: test-tools
	$(PYTHON) -m ruff check plugins tests pelicanconf.py publishconf.py
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(PYTHON) -m ruff check plugins tests pelicanconf.py publishconf.py

screenshots: test-tools html
	PYTHONPATH=$(CURDIR)/plugins $(PYTHON) tests/screenshots.py $(OUTPUTDIR) docs

bench: $(VENV)/.installed
	PYTHONPATH=$(CURDIR)/plugins $(PYTHON) bench/run.py $(N)

lock:
	$(PYTHON) -m pip freeze --exclude-editable > /tmp/alerts-freeze.txt
	@echo "Review /tmp/alerts-freeze.txt and update requirements*.lock by hand."
