#!/usr/bin/env bash
# Records the library's current public API in src/S3S2.Sharing/PublicAPI.Unshipped.txt: builds with the
# unshipped list emptied, collects the analyzer's RS0016 "not part of the declared public API" symbols and
# writes them sorted. Review the diff: every line is a public promise.
set -euo pipefail
cd "$(dirname "$0")/../src/S3S2.Sharing"
printf '#nullable enable\n' > PublicAPI.Unshipped.txt
[ -f PublicAPI.Shipped.txt ] || printf '#nullable enable\n' > PublicAPI.Shipped.txt
log=$(mktemp)
dotnet build -f net10.0 --no-incremental -p:TreatWarningsAsErrors=false -nodeReuse:false > "$log" 2>&1 || true
{ printf '#nullable enable\n'; grep -oE "RS0016: Symbol '[^']+'" "$log" | sed -E "s/RS0016: Symbol '(.*)'/\1/" | sort -u; } > PublicAPI.Unshipped.txt
rm -f "$log"
dotnet build -nodeReuse:false 2>&1 | grep -E "RS00[0-9]+" | sort -u || echo "public API files are up to date"
