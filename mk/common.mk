# Shared build settings, included by every Makefile of the tree.
#
# BUILD selects the output tree: the default build puts its artifacts next to
# the sources (daemon/rtprelay, lib/librtprelay.a) as DESIGN.md names them;
# sanitizer builds go elsewhere, e.g. `make BUILD=build/asan SAN=address,undefined`.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
BUILD ?= .
OUT := $(abspath $(TOP)/$(BUILD))

CC ?= cc
PKGS := glib-2.0 libevent libevent_pthreads json-c openssl liburing libmnl libnftnl libsrtp2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

VERSION := $(shell cd $(TOP) && (git describe --tags --always --dirty 2>/dev/null || sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog 2>/dev/null || echo unknown))

# -Wno-unused-parameter: libevent and GLib callbacks have fixed signatures
# whose arguments we often do not need; naming them unused everywhere hides
# more than it shows.
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 -Wstrict-prototypes
OPT ?= -O2
CFLAGS ?= $(OPT) -g
ALL_CFLAGS := -std=gnu11 $(CFLAGS) $(WARN) -D_GNU_SOURCE -DRTPRELAY_VERSION='"$(VERSION)"' \
	-I$(TOP)/include -I$(TOP)/lib $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) -pthread

ifneq ($(SAN),)
ALL_CFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SAN)
endif
ifneq ($(DEBUG),)
ALL_CFLAGS += -DRTPRELAY_DEBUG=1
endif

ifeq ($(V),)
Q := @
quiet = @printf '  %-7s %s\n' $(1) $(patsubst $(TOP)/%,%,$(2));
else
Q :=
quiet =
endif

LIB := $(OUT)/lib/librtprelay.a

$(OUT)/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -c -o $@ $<
