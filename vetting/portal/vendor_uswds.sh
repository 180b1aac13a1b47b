#!/usr/bin/env bash
# Brings the US Web Design System's compiled assets into vetting/portal/static/uswds/
# from the official npm package (no PyPI package ships them). Only what the CSS
# references (fonts, images) plus the JS is copied. Re-run to upgrade:
#   bash vetting/portal/vendor_uswds.sh [VERSION]
set -euo pipefail
VERSION="${1:-3.14.0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="$HERE/static/uswds"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "@uswds/uswds@$VERSION" >/dev/null && tar xzf uswds-uswds-*.tgz)
DIST="$TMP/package/dist"
rm -rf "$DEST" && mkdir -p "$DEST/css" "$DEST/js"
# The source maps too: the files name them, and the manifest storage of production
# refuses a referenced file that is missing (collectstatic would fail).
cp "$DIST/css/uswds.min.css" "$DIST/css/uswds.min.css.map" "$DEST/css/"
cp "$DIST/js/uswds.min.js" "$DIST/js/uswds.min.js.map" \
   "$DIST/js/uswds-init.min.js" "$DIST/js/uswds-init.min.js.map" "$DEST/js/"
grep -oE 'url\([^)]*\)' "$DIST/css/uswds.min.css" | sed -E 's/url\(|\)|"//g' \
  | grep -v '^data:' | sed 's|^\.\./||' | sort -u | while read -r ref; do
    [ -n "$ref" ] || continue
    mkdir -p "$DEST/$(dirname "$ref")"
    cp "$DIST/$ref" "$DEST/$ref"
  done
for img in us_flag_small.png icon-dot-gov.svg icon-https.svg; do
  mkdir -p "$DEST/img" && cp "$DIST/img/$img" "$DEST/img/"
done
cp "$TMP/package/LICENSE.md" "$DEST/LICENSE.md"
echo "USWDS $VERSION" > "$DEST/VERSION"
echo "USWDS $VERSION assets in $DEST"
