#!/bin/bash
# test_modulefiles.sh BUILD SRC - the Lmod and Tcl modulefiles (etc/modulefiles) load and agree.
#
# The files this build configured are run under stand-ins for the module commands they use
# (tclsh; a Lua interpreter: lua, lua5.x or rpm's rpmlua) for a /usr install and for a site
# prefix; with Lmod or Environment Modules installed, they are loaded for real too.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"

VERSION=$(sed -n 's/^project(datacrumbs-utils VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
MF=$BUILD/etc/modulefiles
[ -f "$MF/$VERSION" ] && [ -f "$MF/$VERSION.lua" ] ||
    skip_all "the build has no modulefiles in $MF (etc/modulefiles not configured)"

# The templates rendered for a site prefix, as configure_file would.
render() { # render TEMPLATE PREFIX OUT
    sed -e "s|@PROJECT_VERSION@|$VERSION|g" -e "s|@CMAKE_INSTALL_PREFIX@|$2|g" \
        -e "s|@CMAKE_INSTALL_FULL_BINDIR@|$2/bin|g" -e "s|@CMAKE_INSTALL_FULL_MANDIR@|$2/share/man|g" \
        -e "s|@CMAKE_INSTALL_FULL_LIBDIR@|$2/lib64|g" \
        -e "s|@CMAKE_INSTALL_FULL_SYSCONFDIR@|$2/etc|g" "$1" >"$3"
}
mkdir -p "$T_TMP/site/datacrumbs"
render "$SRC/etc/modulefiles/datacrumbs.tcl.in" /opt/dc "$T_TMP/site/datacrumbs/$VERSION"
render "$SRC/etc/modulefiles/datacrumbs.lua.in" /opt/dc "$T_TMP/site/datacrumbs/$VERSION.lua"
check "every placeholder of the build's files is filled" bash -c '! grep -n "@[A-Z_]*@" "$0" "$1"' \
    "$MF/$VERSION" "$MF/$VERSION.lua"
check "the Tcl file starts with the #%Module cookie" [ "$(head -c 8 "$MF/$VERSION")" = "#%Module" ]

# What a modulefile does to the environment, one "verb VAR value" line each, sorted: nothing
# but DATACRUMBS_ROOT for a /usr install (package), the paths too for a site prefix.
want() { # want PREFIX BINDIR MANDIR LIBDIR
    if [ "$1" != /usr ]; then
        printf 'prepend CMAKE_PREFIX_PATH %s\nprepend MANPATH %s\nprepend PATH %s\nprepend PKG_CONFIG_PATH %s/pkgconfig\n' \
            "$1" "$3" "$2" "$4"
    fi
    echo "setenv DATACRUMBS_ROOT $1"
}
SITE_WANT=$(want /opt/dc /opt/dc/bin /opt/dc/share/man /opt/dc/lib64)
mkdir -p "$T_TMP/usr/datacrumbs"
render "$SRC/etc/modulefiles/datacrumbs.tcl.in" /usr "$T_TMP/usr/datacrumbs/$VERSION"
render "$SRC/etc/modulefiles/datacrumbs.lua.in" /usr "$T_TMP/usr/datacrumbs/$VERSION.lua"
# The build's own files, with its prefix and directories (CMakeCache.txt).
cache() { sed -n "s|^$1:[A-Z]*=||p" "$BUILD/CMakeCache.txt"; }
full() { case $1 in /*) echo "$1" ;; *) echo "$PREFIX/$1" ;; esac; }
MANDIR=$(cache CMAKE_INSTALL_MANDIR) # empty: GNUInstallDirs' default
[ -n "$MANDIR" ] || MANDIR=share/man
PREFIX=$(cache CMAKE_INSTALL_PREFIX)
BUILD_WANT=$(want "$PREFIX" "$(full "$(cache CMAKE_INSTALL_BINDIR)")" \
    "$(full "$MANDIR")" "$(full "$(cache CMAKE_INSTALL_LIBDIR)")")

if command -v tclsh >/dev/null 2>&1; then
    tcl_run() {
        tclsh <<EOF 2>"$T_TMP/tcl.err" | sort
proc prepend-path {var val} { puts "prepend \$var \$val" }
proc setenv {var val} { puts "setenv \$var \$val" }
proc module-whatis {args} {}
proc conflict {args} {}
source {$1}
ModulesHelp
EOF
    }
    check "Tcl, this build ($PREFIX)" [ "$(tcl_run "$MF/$VERSION")" = "$BUILD_WANT" ]
    check "Tcl: the help is printed" grep -q "datacrumbs_probe_configurator" "$T_TMP/tcl.err"
    check "Tcl, /usr install: DATACRUMBS_ROOT only" [ "$(tcl_run "$T_TMP/usr/datacrumbs/$VERSION")" = "setenv DATACRUMBS_ROOT /usr" ]
    check "Tcl, site prefix: paths added" [ "$(tcl_run "$T_TMP/site/datacrumbs/$VERSION")" = "$SITE_WANT" ]
else
    echo "# tclsh missing: the Tcl modulefile is not run"
fi

LUA=""
for l in lua lua5.4 lua5.3 lua5.2 lua5.1 rpmlua; do
    command -v "$l" >/dev/null 2>&1 && { LUA=$l; break; }
done
if [ -n "$LUA" ]; then
    lua_run() {
        cat >"$T_TMP/run.lua" <<EOF
function help(s) io.stderr:write(s) end
function whatis(s) end
function family(s) end
function prepend_path(v, p) print("prepend " .. v .. " " .. p) end
function setenv(v, p) print("setenv " .. v .. " " .. p) end
dofile("$1")
EOF
        "$LUA" "$T_TMP/run.lua" 2>"$T_TMP/lua.err" | sort
    }
    check "Lua ($LUA), this build ($PREFIX)" [ "$(lua_run "$MF/$VERSION.lua")" = "$BUILD_WANT" ]
    check "Lua: the help is given" grep -q "datacrumbs_probe_configurator" "$T_TMP/lua.err"
    check "Lua, /usr install: DATACRUMBS_ROOT only" [ "$(lua_run "$T_TMP/usr/datacrumbs/$VERSION.lua")" = "setenv DATACRUMBS_ROOT /usr" ]
    check "Lua, site prefix: paths added" [ "$(lua_run "$T_TMP/site/datacrumbs/$VERSION.lua")" = "$SITE_WANT" ]
else
    echo "# no Lua interpreter: the Lua modulefile is not run"
fi

# The real module systems, when installed (Lmod and Environment Modules exclude each other).
LMOD=${LMOD_CMD:-/usr/share/lmod/lmod/libexec/lmod}
if [ -x "$LMOD" ]; then
    out=$(MODULEPATH=$T_TMP/site "$LMOD" bash load datacrumbs 2>"$T_TMP/lmod.err")
    contains "Lmod loads datacrumbs/$VERSION" "$out" "DATACRUMBS_ROOT=/opt/dc"
fi
MODCMD=$(command -v modulecmd 2>/dev/null || ls /usr/lib/*/modulecmd.tcl /usr/share/modules/libexec/modulecmd.tcl 2>/dev/null | head -1)
if [ -n "$MODCMD" ]; then
    out=$(MODULEPATH=$T_TMP/site "$MODCMD" bash load datacrumbs 2>"$T_TMP/mod.err")
    contains "Environment Modules loads datacrumbs/$VERSION" "$out" "DATACRUMBS_ROOT=/opt/dc"
fi
finish
