#!/usr/bin/env bash
# report html in a real browser: Debian's chromium, headless, loads the page
# of one fixtures/ scenario; the DOM it built must hold the figures the CSV
# reports give (containers, orphans, the estimate and the orphans' estimate),
# draw its three charts, fetch nothing (no script, no external reference),
# and a screenshot is kept as the test's artefact in ARTEFACTS/html-SCENARIO.png.
#   html_test.sh CNTRAUDIT SCENARIO ARTEFACTS     (from the source root)
set -u
bin=$1 scenario=$2 artefacts=$3
dir=fixtures/$scenario
. tests/lib.sh "html $scenario"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { fail "no chromium: install Debian's chromium package (scripts/packages-test.txt)"; finish; }
run() { "$bin" -q --db "$tmp/audit.db" --now "$(cat "$dir/now")" "$@"; }
run import "$dir"/api/* 2>/dev/null
run report html -o "$tmp/page.html" || fail "report html failed"
run report containers >"$tmp/containers.csv"
run report orphans >"$tmp/orphans.csv"
# The browser's DOM, not the file: what a reader's browser builds of it.
browse() { timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" "$@" 2>/dev/null; }
browse --dump-dom "file://$tmp/page.html" >"$tmp/dom.html"
check; [ -s "$tmp/dom.html" ] || fail "chromium built no DOM"
python3 - "$tmp/dom.html" "$tmp/containers.csv" "$tmp/orphans.csv" >"$tmp/compare" <<'PY'
import csv, sys
from decimal import Decimal
from html.parser import HTMLParser

class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self.charts, self.at, self.external, self.scripts = {}, set(), None, [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith("#"):
                self.external.append(a[key])
        if "data-chart" in a:
            self.charts.add(a["data-chart"])
        if "data-figure" in a:
            self.at = a["data-figure"]
            self.figures[self.at] = ""
    def handle_data(self, data):
        if self.at:
            self.figures[self.at] += data
    def handle_endtag(self, tag):
        self.at = None

page = Page()
page.feed(open(sys.argv[1], encoding="utf-8").read())
csv.field_size_limit(sys.maxsize)
containers = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
orphans = list(csv.DictReader(open(sys.argv[3], encoding="utf-8", newline="")))
money = lambda rows: sum((Decimal(r["estimated_cost_usd"]) for r in rows if r["estimated_cost_usd"]), Decimal(0))
want = {"containers": str(len(containers)), "orphans": str(len(orphans)),
        "estimated": "$%.6f" % money(containers), "orphan_cost": "$%.6f" % money(orphans)}
for name, value in want.items():
    got = page.figures.get(name)
    print("ok" if got == value else "FAIL", name, "page", got, "csv", value)
for chart in ("daily", "share", "threads"):
    if chart not in page.charts and not (chart == "threads" and "No conversation" in open(sys.argv[1]).read()):
        print("FAIL chart", chart, "not drawn")
print("FAIL script" if page.scripts else "ok no script")
print("FAIL external " + " ".join(page.external) if page.external else "ok nothing external")
PY
while read -r verdict rest; do
  check; [ "$verdict" = ok ] || fail "$rest"
done <"$tmp/compare"
mkdir -p "$artefacts"
browse --screenshot="$artefacts/html-$scenario.png" --window-size=1100,1600 "file://$tmp/page.html" >/dev/null
check; [ "$(stat -c %s "$artefacts/html-$scenario.png" 2>/dev/null || echo 0)" -gt 10000 ] || fail "no screenshot"
finish
