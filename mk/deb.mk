# Debian packages: `make deb` builds rtprelay-daemon, rtprelay-kernel-dkms and
# rtprelay-utils with dpkg-buildpackage in a copy of the source tree (the
# files git knows plus untracked, unignored ones: uncommitted work is
# included), so that neither the developer's objects nor the directory
# above the checkout are touched. Results: build/deb/*.deb (+ .buildinfo,
# .changes). Included from the top-level Makefile.
#
#   make deb            build (needs the Build-Depends of debian/control)
#   make deb-lintian    build, then lintian on the .debs (errors fail)
#   make deb-deps       apt-get install the build dependencies (root)

DEB_DIR := $(TOP)/build/deb
DEB_SRC := $(DEB_DIR)/src/rtprelay
.PHONY: deb deb-lintian deb-deps deb-clean

deb:
	$(Q)rm -rf $(DEB_DIR)/src $(DEB_DIR)/*.deb $(DEB_DIR)/*.buildinfo $(DEB_DIR)/*.changes
	$(Q)mkdir -p $(DEB_SRC)
	$(Q)cd $(TOP) && git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(DEB_SRC)
	$(Q)cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b --no-sign -j$$(nproc) >../build.log 2>&1 || \
		{ tail -40 ../build.log; echo "make deb: failed; full log: $(DEB_DIR)/src/build.log"; exit 1; }
	$(Q)mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/src/*.buildinfo $(DEB_DIR)/src/*.changes $(DEB_DIR)/
	@ls -1 $(DEB_DIR)/*.deb

deb-lintian: deb
	$(Q)lintian --fail-on error --suppress-tags-from-file $(TOP)/debian/lintian-accepted \
		$(DEB_DIR)/*.changes

# The Build-Depends field of debian/control, without version constraints.
deb-deps:
	$(Q)deps=$$(sed -n '/^Build-Depends:/,/^[A-Z]/p' $(TOP)/debian/control | \
		sed -e '1s/^Build-Depends://' -e '/^[A-Z]/d' | tr ',' '\n' | \
		sed -e 's/([^)]*)//g' -e 's/<[^>]*>//g' -e 's/[[:space:]]//g' -e '/^$$/d' \
		    -e 's/^debhelper-compat$$/debhelper/') && \
	echo "apt-get install" $$deps && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		dpkg-dev fakeroot $$deps

deb-clean:
	rm -rf $(DEB_DIR)
