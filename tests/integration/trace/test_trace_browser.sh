#!/bin/bash
# test_trace_browser.sh BUILD SRC - the HTML report in a real headless Chromium, driven through
# the DevTools protocol (browser_check.js): it loads with no console error and no network
# request, and every chart has drawn elements. The screenshot is kept as a test artefact:
# BUILD/tests/integration/trace/report-screenshot.png (and the report next to it).
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
TR=$BUILD/src/trace/datacrumbs_trace
GEN=$BUILD/tests/integration/trace/tr_gen
ART=$BUILD/tests/integration/trace
[ -x "$TR" ] && [ -x "$GEN" ] || skip_all "datacrumbs_trace or tr_gen is not built"
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROMIUM" ] || skip_all "no chromium (apt-get install chromium; scripts/deps test installs it)"
command -v node >/dev/null || skip_all "no node to drive the browser"
NODE=(node)
node -e 'process.exit(typeof WebSocket === "undefined" ? 1 : 0)' 2>/dev/null ||
    NODE=(node --experimental-websocket --no-warnings)

"$GEN" --events 30000 --procs 4 --seed 5 "$T_TMP/trace-alice-9-n1.pfw.gz" >/dev/null
"$GEN" --events 20000 --procs 3 --seed 6 --ts0 1765000000100000 "$T_TMP/trace-alice-9-n2.pfw.gz" >/dev/null
check_rc "report written" 0 "$TR" report -o "$ART/report.html" "$T_TMP"/trace-alice-9-n*.pfw.gz
rm -f "$ART/report-screenshot.png"
"${NODE[@]}" "$SRC/tests/integration/trace/browser_check.js" "$CHROMIUM" "$ART/report.html" \
    "$ART/report-screenshot.png" >"$T_TMP/browser.out" 2>&1
RC=$?
if [ "$RC" -eq 77 ]; then
    skip_all "$(cat "$T_TMP/browser.out")"
fi
while read -r line; do
    case $line in
    "ok - "*) ok "${line#ok - }" ;;
    "not ok - "*) not_ok "${line#not ok - }" ;;
    *) echo "# $line" ;;
    esac
done <"$T_TMP/browser.out"
check "the browser check passed (exit $RC)" [ "$RC" -eq 0 ]
check "screenshot kept: $ART/report-screenshot.png" [ -s "$ART/report-screenshot.png" ]
finish
