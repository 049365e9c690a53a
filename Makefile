# prison: FreeBSD jails for Linux.
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR = $(PREFIX)/sbin
LIBEXECDIR = $(PREFIX)/libexec/prison
MANDIR = $(PREFIX)/share/man

CC ?= cc
PKGS = libseccomp json-c libbpf libmnl libarchive libnftables
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The commands link libseccomp, json-c and libbpf (with libelf and libz)
# statically and drop every function they never reach (--gc-sections), so
# the dynamic loader maps and relocates only libc and libmnl (Debian ships
# no static libmnl), and libarchive for jbase, jexport and jimport alone.  Resolving six shared
# libraries with BIND_NOW was most of the loader's share of a jexec.
CMD_STATIC := $(shell pkg-config --static --libs libseccomp json-c libbpf 2>/dev/null)
CMD_LIBS = -Wl,--gc-sections -Wl,--as-needed -Wl,-Bstatic $(CMD_STATIC) -Wl,-Bdynamic \
	$(shell pkg-config --libs libmnl 2>/dev/null)

# Messages are cut to fit their buffers on purpose, so format-truncation is off.
WARN = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers -Wno-format-truncation
HARDEN = -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection -fcf-protection \
	-fPIE -fno-strict-overflow -fno-delete-null-pointer-checks
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu17 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) $(PKG_CFLAGS)
LDHARDEN = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

B = build
# Quiet by default; make V=1 shows each command.
Q = $(if $(V),,@)
LIB_SRC = $(wildcard src/lib/*.c)
LIB_OBJ = $(LIB_SRC:src/lib/%.c=$(B)/obj/lib/%.o)
CMDS = jail jls jexec rctl jkill jbase jexport jimport prison-oci
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_ASAN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/asan-%)
# Unit tests cover the pure logic; they link only the modules they test.
UNIT_LIB = src/lib/cghuge.c src/lib/cgunified.c src/lib/runtime.c src/lib/jailenv.c src/lib/idrange.c src/lib/hostids.c src/lib/pin.c src/lib/pinns.c src/lib/signame.c src/lib/policy.c src/lib/cgpath.c src/lib/jailname.c src/lib/param.c src/lib/jailkv.c src/lib/util.c src/lib/error.c src/lib/cred.c src/lib/hostpath.c src/lib/conf.c src/lib/confresolve.c src/lib/conflex.c src/lib/jailconf.c src/lib/registry.c src/lib/regindex.c src/lib/fstab.c src/lib/rctl.c src/lib/cglimit.c src/lib/cgspec.c src/lib/cg_v1.c src/lib/cg_v2.c src/lib/cgroup.c \
	src/lib/ipaddr.c src/lib/ifname.c src/lib/expose.c src/lib/natrules.c src/lib/ctlmsg.c src/cmd/initwatch.c
# The names and paths of jails made inside a jail (nested.h).
UNIT_LIB += src/lib/nestpath.c src/lib/nestwords.c src/lib/pidpin.c src/lib/jailps.c src/lib/thinpath.c

.SECONDARY:
.PHONY: all install uninstall check unit integration demo deps clean lint fuzz conf nettest netbench

SYSTEMDDIR ?= /lib/systemd/system
DEFAULTDIR ?= /etc/default

all: $(CMDS:%=$(B)/sbin/%) $(B)/libexec/prison/jailinit $(B)/libexec/prison/jailnest $(B)/libexec/prison/prison-rc $(B)/etc/prison.service

# The boot script and unit name where the commands are installed.
$(B)/libexec/prison/prison-rc: etc/prison-rc.in
	@mkdir -p $(@D)
	@sed -e 's|@SBINDIR@|$(SBINDIR)|g' $< >$@ && chmod 0755 $@

$(B)/etc/prison.service: etc/prison.service.in
	@mkdir -p $(@D)
	@sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' $< >$@

# The library exports only what its headers mark PRISON_API (src/lib/api.h).
$(B)/obj/lib/%.o: src/lib/%.c $(wildcard src/lib/*.h) src/bpf/sockaddr_map.h
	@mkdir -p $(@D)
	@$(if $(V),true,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -fvisibility=hidden -ffunction-sections -fdata-sections -c -o $@ $<

$(B)/obj/cmd/%.o: src/cmd/%.c $(wildcard src/lib/*.h) $(wildcard src/cmd/*.h) src/include/prison.h
	@mkdir -p $(@D)
	@$(if $(V),true,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The sockaddr BPF object (src/bpf), built by clang for the BPF target with
# the UAPI headers (linux-libc-dev) and libbpf's helper headers, then
# embedded into the library with .incbin (src/bpf/sockaddr_obj.S).
BPF_CC ?= clang
BPF_CFLAGS = -O2 -g -target bpf -Wall -Wextra -Werror \
	-I/usr/include/$(shell $(CC) -print-multiarch 2>/dev/null) -Isrc/bpf
$(B)/bpf/sockaddr.bpf.o: src/bpf/sockaddr.bpf.c src/bpf/sockaddr_map.h
	@mkdir -p $(@D)
	@command -v $(BPF_CC) >/dev/null 2>&1 || { \
		echo "error: $(BPF_CC) not found: clang is needed to build the BPF programs in src/bpf (apt-get install clang)" >&2; \
		exit 1; }
	@$(if $(V),true,echo "  BPF     $<")
	$(Q)$(BPF_CC) $(BPF_CFLAGS) -c -o $@ $<

$(B)/obj/bpf/sockaddr_obj.o: src/bpf/sockaddr_obj.S $(B)/bpf/sockaddr.bpf.o
	@mkdir -p $(@D)
	$(Q)$(CC) -DSOCKADDR_BPF_OBJ='"$(B)/bpf/sockaddr.bpf.o"' -c -o $@ $<

LIB_OBJ += $(B)/obj/bpf/sockaddr_obj.o

$(B)/libprison.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/sbin/%: $(B)/obj/cmd/%.o $(B)/libprison.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDHARDEN) -o $@ $< $(B)/libprison.a $(CMD_LIBS) $(if $(filter jbase jexport jimport,$*),$(shell pkg-config --libs libarchive 2>/dev/null))

# jls -p's process listing is a file of its own.
$(B)/sbin/jls: $(B)/obj/cmd/jls.o $(B)/obj/cmd/jlsproc.o $(B)/libprison.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDHARDEN) -o $@ $(B)/obj/cmd/jls.o $(B)/obj/cmd/jlsproc.o $(B)/libprison.a $(CMD_LIBS)

# jail(8)'s requests from inside a jail are a file of their own.
$(B)/sbin/jail: $(B)/obj/cmd/jail.o $(B)/obj/cmd/jailinner.o $(B)/libprison.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDHARDEN) -o $@ $(B)/obj/cmd/jail.o $(B)/obj/cmd/jailinner.o $(B)/libprison.a $(CMD_LIBS)

# The OCI runtime front end: its command line, creation, state, log and default bundle.
OCI_OBJ = $(addprefix $(B)/obj/cmd/,oci.o ocicreate.o ociexec.o ocistate.o ocilog.o ocispec.o ocihook.o ociupdate.o ocievents.o ocifds.o ocilist.o)
$(B)/sbin/prison-oci: $(OCI_OBJ) $(B)/libprison.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDHARDEN) -o $@ $(OCI_OBJ) $(B)/libprison.a $(CMD_LIBS)

# The server of a jail's socket for jails made inside it runs on the host, with the library.
$(B)/libexec/prison/jailnest: $(B)/obj/cmd/jailnest.o $(B)/libprison.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDHARDEN) -o $@ $< $(B)/libprison.a $(CMD_LIBS)

# jailinit runs inside roots that need not have a C library: static, libc
# only.  It is built against musl where Debian's musl-tools is installed
# (tests/deps.sh installs it): glibc's start-up reads the CPU's cache
# geometry with cpuid, which traps to the hypervisor on a virtual machine
# (about 0.5 ms of every jail's start and wake on the development machine),
# and a running static glibc jailinit keeps 72 KiB of private memory and
# 36 KiB of page tables against musl's 32 and 24 KiB.  Without musl, glibc.
MUSL_CC := $(shell command -v musl-gcc 2>/dev/null)
MUSL_LIB ?= /usr/lib/$(subst -gnu,-musl,$(shell $(CC) -dumpmachine 2>/dev/null))
INIT_SRC = src/cmd/jailinit.c src/cmd/initwatch.c src/lib/ctlmsg.c
ifneq ($(and $(MUSL_CC),$(wildcard $(MUSL_LIB)/rcrt1.o)),)
INIT_CFLAGS = -std=gnu17 -D_GNU_SOURCE $(WARN) $(filter-out -D_FORTIFY_SOURCE=%,$(HARDEN)) $(CFLAGS)
$(B)/obj/musl/%.o: src/%.c src/lib/ctlmsg.h src/cmd/initwatch.h
	@mkdir -p $(@D)
	@echo "  CC      $< (musl)"
	$(Q)$(MUSL_CC) $(INIT_CFLAGS) -c $< -o $@
# musl-gcc's own link line makes no static PIE: the start files and libc.a are named here.
$(B)/libexec/prison/jailinit: $(INIT_SRC:src/%.c=$(B)/obj/musl/%.o)
	@mkdir -p $(@D)
	$(Q)$(CC) -static-pie -nostdlib -Wl,-z,relro,-z,now -Wl,-z,noexecstack -o $@ \
		$(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $(shell $(CC) -print-file-name=crtbeginS.o) $^ \
		$(MUSL_LIB)/libc.a $(shell $(CC) -print-libgcc-file-name) $(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o
else
$(B)/libexec/prison/jailinit: $(INIT_SRC:src/%.c=$(B)/obj/%.o)
	@mkdir -p $(@D)
	$(Q)$(CC) -static-pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack -o $@ $^
endif

# The modules the unit tests link are built once, into two archives: the
# plain one from the library's own objects (same flags), the other under
# ASan+UBSan.  Each test binary takes from its archive what it uses; the
# archives follow the Makefile too, so a module added to UNIT_LIB whose
# object was already built for the library still lands in them.
UNIT_OBJ = $(UNIT_LIB:src/%.c=$(B)/obj/%.o)
UNIT_ASAN_OBJ = $(UNIT_LIB:src/%.c=$(B)/obj/asan/%.o)
SAN_CFLAGS = $(filter-out -D_FORTIFY_SOURCE=3,$(ALL_CFLAGS)) -O1 $(SAN)

$(B)/tests/libunit.a: $(UNIT_OBJ) Makefile
	@mkdir -p $(@D)
	@rm -f $@
	$(Q)ar rcs $@ $(filter %.o,$^)

$(B)/tests/libunit-asan.a: $(UNIT_ASAN_OBJ) Makefile
	@mkdir -p $(@D)
	@rm -f $@
	$(Q)ar rcs $@ $(filter %.o,$^)

$(B)/obj/asan/%.o: src/%.c $(wildcard src/lib/*.h) $(wildcard src/cmd/*.h) src/bpf/sockaddr_map.h
	@mkdir -p $(@D)
	@$(if $(V),true,echo "  CC      $< (ASan+UBSan)")
	$(Q)$(CC) $(SAN_CFLAGS) -c -o $@ $<

$(B)/tests/test_%: tests/unit/test_%.c tests/unit/unit.h $(B)/tests/libunit.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< $(B)/tests/libunit.a $(PKG_LIBS)

$(B)/tests/asan-test_%: tests/unit/test_%.c tests/unit/unit.h $(B)/tests/libunit-asan.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $< $(B)/tests/libunit-asan.a $(PKG_LIBS)

# Root tests and the benchmark of the netlink module, each in a private
# network namespace of its own.
$(B)/tests/netlink_%: tests/net/netlink_%.c tests/net/nettest.h tests/unit/unit.h $(B)/libprison.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< $(B)/libprison.a $(PKG_LIBS)

NET_LIB = src/lib/netlink.c src/lib/nsenter.c src/lib/nlink.c src/lib/naddr.c src/lib/ifname.c src/lib/error.c src/lib/util.c
$(B)/tests/asan-netlink_test: tests/net/netlink_test.c tests/net/nettest.h tests/unit/unit.h $(NET_LIB) $(wildcard src/lib/*.h)
	@mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -D_FORTIFY_SOURCE=3,$(ALL_CFLAGS)) -O1 $(SAN) -o $@ $< $(NET_LIB) $(PKG_LIBS)

nettest: $(B)/tests/netlink_test $(B)/tests/asan-netlink_test $(B)/tests/sockaddr_test
	@bash tests/net/run.sh $(B)

netbench: $(B)/tests/netlink_bench
	@sh bench/vnet_netlink.sh $(B)/tests/netlink_bench

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(CMDS:%=$(B)/sbin/%) $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(B)/libexec/prison/jailinit $(B)/libexec/prison/jailnest $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 man/jail.8 man/jls.8 man/jexec.8 man/rctl.8 man/jkill.8 man/jbase.8 man/jexport.8 man/prison-oci.8 $(DESTDIR)$(MANDIR)/man8/
	ln -sf jexport.8 $(DESTDIR)$(MANDIR)/man8/jimport.8
	install -m 0644 man/jail.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0755 $(B)/libexec/prison/prison-rc $(DESTDIR)$(LIBEXECDIR)/
	install -d $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(DEFAULTDIR)
	install -m 0644 $(B)/etc/prison.service $(DESTDIR)$(SYSTEMDDIR)/
	[ -e $(DESTDIR)$(DEFAULTDIR)/prison ] || install -m 0644 etc/default-prison $(DESTDIR)$(DEFAULTDIR)/prison

uninstall:
	rm -f $(CMDS:%=$(DESTDIR)$(SBINDIR)/%) $(DESTDIR)$(LIBEXECDIR)/jailinit $(DESTDIR)$(LIBEXECDIR)/jailnest
	rm -f $(DESTDIR)$(MANDIR)/man8/jail.8 $(DESTDIR)$(MANDIR)/man8/jls.8 $(DESTDIR)$(MANDIR)/man8/jexec.8 $(DESTDIR)$(MANDIR)/man8/rctl.8 $(DESTDIR)$(MANDIR)/man8/jkill.8 $(DESTDIR)$(MANDIR)/man8/jbase.8 $(DESTDIR)$(MANDIR)/man8/jexport.8 $(DESTDIR)$(MANDIR)/man8/jimport.8
	rm -f $(DESTDIR)$(MANDIR)/man5/jail.conf.5
	rm -f $(DESTDIR)$(LIBEXECDIR)/prison-rc $(DESTDIR)$(SYSTEMDDIR)/prison.service

# Installs what is missing (as root, on Debian), then builds.
deps:
	@sh tests/deps.sh

unit: $(UNIT_BIN) $(UNIT_ASAN)
	@sh tests/unit/run.sh $(UNIT_BIN) $(UNIT_ASAN)

# Every parser a user or a jail can feed, under libFuzzer with ASan and
# UBSan: one harness per parser, tests/fuzz/fuzz_NAME.c, seeded from
# tests/fuzz/corpus/NAME, over the unit tests' modules built with clang for
# coverage.  make fuzz runs each for FUZZ_SECONDS, FUZZ_JOBS at once;
# bench/fuzz.sh runs them for an hour each.
FUZZ_CC ?= clang
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_OBJ = $(UNIT_LIB:src/%.c=$(B)/obj/fuzz/%.o)
FUZZ_CFLAGS = -std=gnu17 -D_GNU_SOURCE $(filter-out -Wno-format-truncation,$(WARN)) -Wno-unknown-warning-option -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all $(PKG_CFLAGS)

$(B)/obj/fuzz/%.o: src/%.c $(wildcard src/lib/*.h) $(wildcard src/cmd/*.h) src/bpf/sockaddr_map.h
	@mkdir -p $(@D)
	@$(if $(V),true,echo "  CC      $< (fuzzing)")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/libfuzz.a: $(FUZZ_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/fuzz/libfuzz.a
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/fuzz/libfuzz.a $(PKG_LIBS)

FUZZ_SECONDS ?= 6
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
fuzz: $(FUZZ_BIN)
	@rm -rf $(B)/fuzz/short
	@bash tests/fuzz/run.sh $(B)/fuzz/short $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_BIN)

# jail.conf corpus: each file's jail -e output against what it should be.
conf: all
	@bash tests/conf/run.sh

# The probe runs inside busybox roots: static, so it needs no libraries there.
$(B)/tests/probe: tests/integration/probe.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu17 -D_GNU_SOURCE $(WARN) -O2 -static -pthread -o $@ $<

# The sockaddr BPF programs, as root in a network namespace of their own.
$(B)/tests/sockaddr_test: tests/net/sockaddr_test.c $(B)/libprison.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< $(B)/libprison.a $(PKG_LIBS)

integration: all $(B)/tests/probe
	@bash tests/integration/run.sh

# deps installs what is missing; the preflight stops at once, in one line,
# if a program the tests run is still not there.
check: deps
	@sh tests/preflight.sh
	@$(MAKE) --no-print-directory all
	@if command -v clang-tidy >/dev/null && command -v cppcheck >/dev/null; then \
		$(MAKE) --no-print-directory lint && echo "lint: clean"; \
	else echo "lint: skipped (clang-tidy or cppcheck not installed)"; fi
	@$(MAKE) --no-print-directory unit
	@if [ -x tests/conf/run.sh ]; then $(MAKE) --no-print-directory conf; fi
	@if command -v clang >/dev/null; then $(MAKE) --no-print-directory fuzz; \
	else echo "fuzz: skipped (clang not installed)"; fi
	@$(MAKE) --no-print-directory nettest
	@$(MAKE) --no-print-directory integration

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh

# clang-tidy (checks in .clang-tidy, all as errors) and cppcheck.
# Then the house rules no compiler checks (tests/lint/structure.sh): file
# sizes, no circle of calls between library files, typed errors.
lint: $(LIB_OBJ)
	@mkdir -p $(B)
	@printf '%s\n' $(LIB_SRC) src/cmd/*.c | xargs -P2 -n6 sh -c 'clang-tidy --quiet "$$@" -- -std=gnu17 \
		-D_GNU_SOURCE $(PKG_CFLAGS)' _ >$(B)/clang-tidy.log 2>&1; rc=$$?; \
		grep -v "warnings generated" $(B)/clang-tidy.log; [ $$rc -eq 0 ]
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -D_GNU_SOURCE -i src/bpf src
	@# BPF C: libbpf's section and map-definition macros spelled out for cppcheck.
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem '-DSEC(x)=' '-D__uint(n,v)=int n' '-D__type(n,v)=v *n' src/bpf
	@sh tests/lint/structure.sh $(B)

clean:
	rm -rf $(B)
