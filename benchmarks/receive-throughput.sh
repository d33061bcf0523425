#!/usr/bin/env bash
# Receive/decrypt throughput of one large file: s3s2 (BouncyCastle, streamed, SHA-256 verified) vs `gpg --decrypt`,
# on the same encrypted object in the same run. Not a test: prints MB/s (10^6 bytes/s) and the ratio.
#
#   benchmarks/receive-throughput.sh [SIZE_MIB]     default 1024 (1 GiB); e.g. 256 on a busy machine
#
# The file is random bytes shared with --compress none (so decryption, not inflation, is measured), written to a
# local folder store; gpg gets the same secret key. Needs dotnet, gpg; uses a temporary folder it deletes.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
work=$(mktemp -d)
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
cleanup() { gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build samples/S3S2.Cli -c Release -nodeReuse:false -v quiet -clp:ErrorsOnly >/dev/null
s3s2=(dotnet samples/S3S2.Cli/bin/Release/net10.0/s3s2.dll)

now() { date +%s.%N; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

echo "== preparing ${size_mib} MiB of random data, a receiver key and one share (no compression)"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/data.bin"
bytes=$(stat -c %s "$work/data.bin")
"${s3s2[@]}" keygen --name receiver --out "$work/keys" >/dev/null
"${s3s2[@]}" share "$work/data.bin" --to "$work/store" --prefix bench --pgp-key "$work/keys/receiver.pub.asc" --compress none >/dev/null
object=$(find "$work/store" -name 'data.bin.gpg')
gpg --batch --quiet --import "$work/keys/receiver.sec.asc" 2>/dev/null
sync

echo "== gpg --decrypt"
start=$(now); gpg --batch --quiet --yes --output "$work/gpg.out" --decrypt "$object" 2>/dev/null; gpg_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
echo "== s3s2 decrypt"
start=$(now); "${s3s2[@]}" decrypt "$object" --out "$work/s3s2.out" --pgp-secret-key "$work/keys/receiver.sec.asc" >/dev/null; dec_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
echo "== s3s2 receive (decrypt + SHA-256 + size check + rename)"
start=$(now); "${s3s2[@]}" receive --from "$work/store" --prefix bench --out "$work/inbox" --pgp-secret-key "$work/keys/receiver.sec.asc" >/dev/null; rec_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')

cmp "$work/data.bin" "$work/gpg.out"
cmp "$work/data.bin" "$work/s3s2.out"
cmp "$work/data.bin" "$(find "$work/inbox" -name data.bin)"

echo
printf 'size:            %d bytes (%d MiB), encrypted object %d bytes\n' "$bytes" "$size_mib" "$(stat -c %s "$object")"
printf 'gpg --decrypt:   %6.2f s  %8s MB/s\n' "$gpg_s" "$(rate "$bytes" "$gpg_s")"
printf 's3s2 decrypt:    %6.2f s  %8s MB/s  ratio to gpg %s\n' "$dec_s" "$(rate "$bytes" "$dec_s")" "$(awk -v g="$gpg_s" -v s="$dec_s" 'BEGIN { printf "%.2f", g / s }')"
printf 's3s2 receive:    %6.2f s  %8s MB/s  ratio to gpg %s\n' "$rec_s" "$(rate "$bytes" "$rec_s")" "$(awk -v g="$gpg_s" -v s="$rec_s" 'BEGIN { printf "%.2f", g / s }')"
echo "(times include process start, ~0.1 s for gpg, ~0.3 s for dotnet; ratio = gpg time / s3s2 time, 1.00 = as fast as gpg)"
