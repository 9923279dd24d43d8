#!/bin/bash
# The two SARIF validators the tests run, installed once with npm into the
# git-ignored test cache (tests/.cache/sarif-tools/), like the kernel
# downloads:
#   - Microsoft's SARIF multitool (@microsoft/sarif-multitool-linux), whose
#     `validate --rule-kind "Sarif;Gh"` applies GitHub's code-scanning
#     rules;
#   - ajv (ajv-cli, ajv-formats), a JSON-schema validator, with the SARIF
#     2.1.0 schema that the SARIF SDK ships in the multitool's package.
# npm blocks the multitool's postinstall script (a chmod), so it is done
# here.  Source this file and call sarif_tools: on success it sets
#   SARIF_MULTITOOL  the multitool binary
#   SARIF_AJV        ajv's command line
#   SARIF_SCHEMA     the sarif-2.1.0.json schema
# Any failure prints one "FETCH FAILED" line and returns non-zero: the
# callers fail, never skip.
set -u

SARIF_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/.cache/sarif-tools
SARIF_PACKAGES="@microsoft/sarif-multitool-linux@5.7.0 ajv-cli@5.0.0 ajv-formats@3.0.1"

sarif_install() {
	local d=$SARIF_TOOLS tmp=$SARIF_TOOLS.tmp
	rm -rf "$tmp" && mkdir -p "$tmp" || return 1
	# shellcheck disable=SC2086
	(cd "$tmp" && npm install --no-audit --no-fund --ignore-scripts \
		$SARIF_PACKAGES) >"$tmp.log" 2>&1 || {
		echo "FETCH FAILED: npm install $SARIF_PACKAGES:" >&2
		tail -5 "$tmp.log" >&2
		return 1
	}
	chmod u+x "$tmp/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" &&
		echo "$SARIF_PACKAGES" >"$tmp/.complete" &&
		rm -rf "$d" && mv "$tmp" "$d"
}

sarif_tools() {
	local mods=$SARIF_TOOLS/node_modules
	mkdir -p "$(dirname "$SARIF_TOOLS")" || return 1
	# Several test runs may share the cache: one installs, the others
	# wait for it.
	(
		flock 9
		[ "$(cat "$SARIF_TOOLS/.complete" 2>/dev/null)" = "$SARIF_PACKAGES" ] ||
			sarif_install
	) 9>"$SARIF_TOOLS.lock" || return 1
	SARIF_MULTITOOL=$mods/@microsoft/sarif-multitool-linux/Sarif.Multitool
	SARIF_SCHEMA=$mods/@microsoft/sarif-multitool-linux/sarif-2.1.0.json
	SARIF_AJV="$mods/.bin/ajv validate --spec=draft2020 -c ajv-formats"
	[ -x "$SARIF_MULTITOOL" ] && [ -s "$SARIF_SCHEMA" ] && [ -x "$mods/.bin/ajv" ] || {
		echo "FETCH FAILED: $SARIF_TOOLS is incomplete" >&2
		return 1
	}
}
