# ftd: build, install and uninstall.
#
#   make                          build the release binary (swift build -c release)
#   sudo make install             install it as a systemd service (README: "Run as a service")
#   sudo make uninstall           remove what install put there (keeps /etc/ftd, /var/lib/ftd)
#   make check-service            lint the unit and dry-run the install (scripts/check-service)
#   make deb                      build the release binary and package it: ftd_VERSION_ARCH.deb
#   make check-deb                build a package, check it, lintian it, (as root) install it
#
# Variables: PREFIX (default /usr/local), DESTDIR (staged install: no user is created and
# systemd is not touched), FTD_BINARY=path (install that binary instead of building one).

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
# A service binary should not depend on the toolchain that built it: link the Swift
# runtime and Foundation statically. Set SWIFT_BUILD_FLAGS= to link them dynamically.
SWIFT_BUILD_FLAGS ?= --static-swift-stdlib

BINDIR := $(PREFIX)/bin
DOCDIR := $(PREFIX)/share/doc/ftd
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR := $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR := $(PREFIX)/share/fish/vendor_completions.d
# systemd finds units and sysusers.d files under /usr/lib and /usr/local/lib; for any
# other prefix they go under /etc.
ifneq ($(filter /usr /usr/local,$(PREFIX)),)
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
else
UNITDIR ?= /etc/systemd/system
SYSUSERSDIR ?= /etc/sysusers.d
endif
# Fixed by the unit (ConfigurationDirectory=ftd, StateDirectory=ftd), whatever PREFIX is.
CONFDIR := /etc/ftd
STATEDIR := /var/lib/ftd

RELEASE_BINARY := .build/release/ftd
FTD_BINARY ?= $(RELEASE_BINARY)
HOOKS := $(wildcard config/hooks/*.sh)

# The staged ("D") paths.
D := $(DESTDIR)

.PHONY: all build install uninstall check-service deb check-deb

all: build

build:
	$(SWIFT) build -c release --product ftd $(SWIFT_BUILD_FLAGS)

# `make && sudo make install`: install builds only when there is no binary yet, so that
# root does not rebuild (and take over) the build directory.
$(RELEASE_BINARY):
	@echo "ftd: no release binary yet: building it"
	$(SWIFT) build -c release --product ftd $(SWIFT_BUILD_FLAGS)

ifeq ($(FTD_BINARY),$(RELEASE_BINARY))
install: $(RELEASE_BINARY)
endif
install:
	@test -f "$(FTD_BINARY)" && test -x "$(FTD_BINARY)" || \
	    { echo "make install: FTD_BINARY=$(FTD_BINARY) is not an executable file"; exit 1; }
	install -d -m 0755 "$(D)$(BINDIR)" "$(D)$(UNITDIR)" "$(D)$(SYSUSERSDIR)" "$(D)$(DOCDIR)" \
	    "$(D)$(DOCDIR)/hooks" "$(D)$(BASHCOMPDIR)" "$(D)$(ZSHCOMPDIR)" "$(D)$(FISHCOMPDIR)" \
	    "$(D)$(CONFDIR)" "$(D)$(CONFDIR)/hooks"
	install -m 0755 "$(FTD_BINARY)" "$(D)$(BINDIR)/ftd"
	sed -e 's|/usr/local/bin/ftd|$(BINDIR)/ftd|g' \
	    -e 's|file:///usr/local/share/doc/ftd/|file://$(DOCDIR)/|g' \
	    systemd/ftd.service >"$(D)$(UNITDIR)/ftd.service"
	chmod 0644 "$(D)$(UNITDIR)/ftd.service"
	install -m 0644 systemd/ftd.sysusers "$(D)$(SYSUSERSDIR)/ftd.conf"
	install -m 0644 README.md "$(D)$(DOCDIR)/README.md"
	install -m 0644 config/ftd.toml "$(D)$(DOCDIR)/ftd.toml"
	sed -e 's|/usr/local/share/doc/ftd/|$(DOCDIR)/|g' systemd/ftd.toml >"$(D)$(DOCDIR)/ftd.service.toml"
	chmod 0644 "$(D)$(DOCDIR)/ftd.service.toml"
	install -m 0755 $(HOOKS) "$(D)$(DOCDIR)/hooks/"
	@# The completions come from the argument parser of the binary being installed.
	"$(FTD_BINARY)" --generate-completion-script bash >"$(D)$(BASHCOMPDIR)/ftd"
	"$(FTD_BINARY)" --generate-completion-script zsh >"$(D)$(ZSHCOMPDIR)/_ftd"
	"$(FTD_BINARY)" --generate-completion-script fish >"$(D)$(FISHCOMPDIR)/ftd.fish"
	chmod 0644 "$(D)$(BASHCOMPDIR)/ftd" "$(D)$(ZSHCOMPDIR)/_ftd" "$(D)$(FISHCOMPDIR)/ftd.fish"
	@# /etc/ftd is the administrator's: never overwrite a file there.
	@if [ -e "$(D)$(CONFDIR)/ftd.toml" ]; then \
	    echo "kept $(CONFDIR)/ftd.toml (the example is $(DOCDIR)/ftd.service.toml)"; \
	else \
	    install -m 0644 "$(D)$(DOCDIR)/ftd.service.toml" "$(D)$(CONFDIR)/ftd.toml" && \
	    echo "installed the example configuration $(CONFDIR)/ftd.toml"; \
	fi
	@for hook in $(HOOKS); do \
	    name=$$(basename "$$hook"); \
	    if [ -e "$(D)$(CONFDIR)/hooks/$$name" ]; then \
	        echo "kept $(CONFDIR)/hooks/$$name"; \
	    else \
	        install -m 0755 "$$hook" "$(D)$(CONFDIR)/hooks/$$name"; \
	    fi; \
	done
	@if [ -n "$(DESTDIR)" ]; then \
	    echo "staged in $(DESTDIR): the ftd user was not created and systemd was not told"; \
	else \
	    $(MAKE) --no-print-directory install-system; \
	fi

# The steps that change the running system: the user, systemd's view of the unit.
.PHONY: install-system
install-system:
	@if getent passwd ftd >/dev/null; then :; \
	elif command -v systemd-sysusers >/dev/null 2>&1; then \
	    systemd-sysusers "$(SYSUSERSDIR)/ftd.conf" && echo "created the system user ftd"; \
	else \
	    useradd --system --user-group --home-dir $(STATEDIR) --no-create-home \
	        --shell /usr/sbin/nologin --comment "ftd fine-tuning job daemon" ftd && \
	    echo "created the system user ftd"; \
	fi
	@if [ -d /run/systemd/system ]; then \
	    systemctl daemon-reload; \
	    if systemctl -q is-active ftd.service; then \
	        echo "ftd is running the previous binary: sudo systemctl restart ftd"; \
	    fi; \
	else \
	    echo "systemd is not running here: the unit is installed but not loaded"; \
	fi
	@echo
	@echo "Next:"
	@if [ ! -e $(CONFDIR)/openai_api_key ]; then \
	    echo "  sudo install -m 600 /dev/stdin $(CONFDIR)/openai_api_key   # paste the API key, Enter, Ctrl-D"; \
	 fi
	@echo "  sudoedit $(CONFDIR)/ftd.toml                     # hooks, poll intervals (optional)"
	@echo "  sudo systemctl enable --now ftd"
	@echo "  systemctl status ftd; journalctl -u ftd -f"
	@echo "  sudo usermod -aG ftd \$$USER                      # to run ftd history and ftd status"
	@echo "More: $(DOCDIR)/README.md, section \"Run as a service\""

uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
	    if systemctl -q is-enabled ftd.service 2>/dev/null || systemctl -q is-active ftd.service; then \
	        echo "stopping and disabling ftd.service"; \
	        systemctl disable --now ftd.service; \
	    fi; \
	fi
	rm -f "$(D)$(BINDIR)/ftd" "$(D)$(UNITDIR)/ftd.service" "$(D)$(SYSUSERSDIR)/ftd.conf" \
	    "$(D)$(BASHCOMPDIR)/ftd" "$(D)$(ZSHCOMPDIR)/_ftd" "$(D)$(FISHCOMPDIR)/ftd.fish"
	rm -rf "$(D)$(DOCDIR)"
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "kept $(CONFDIR) (configuration, hooks, API key), $(STATEDIR) (the job history)"
	@echo "and the user ftd; remove them by hand if you no longer want them:"
	@echo "  sudo rm -r $(CONFDIR) $(STATEDIR); sudo userdel ftd"

check-service:
	scripts/check-service "$(FTD_BINARY)"

# The Debian package, in this directory: `make install PREFIX=/usr` staged, plus man pages,
# control files and maintainer scripts (scripts/build-deb, packaging/debian/).
ifeq ($(FTD_BINARY),$(RELEASE_BINARY))
deb: build
endif
deb:
	scripts/build-deb "$(FTD_BINARY)"

check-deb:
	scripts/check-deb
