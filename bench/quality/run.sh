#!/usr/bin/env bash
# Detection quality on the simulator (issue 5's figures): for each seed,
# simulate PROFILE for DAYS days, run every detector and the incident
# correlator offline (vigil detect), and score against the labels (vigil eval).
#   bench/quality/run.sh [PROFILE] [DAYS] [SEED...]     (defaults: medium 7 1 2 3)
# Output: one directory per seed under ${OUT:-/tmp/vigil-quality} with the
# findings, incidents, eval.txt and eval.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${1:-medium}; days=${2:-7}; shift 2 || true
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3)
out=${OUT:-/tmp/vigil-quality}
mkdir -p "$out"
go build -o "$out/vigil" ./cmd/vigil
for seed in "${seeds[@]}"; do
  d="$out/$profile-$days-$seed"
  rm -rf "$d"
  echo "== $profile, $days days, seed $seed"
  /usr/bin/time -f "simulate: %e s, %M KB peak" "$out/vigil" simulate --profile "$profile" --days "$days" --seed "$seed" --out "$d"
  /usr/bin/time -f "detect: %e s, %M KB peak" "$out/vigil" detect --context "$d/context" --phish-config "$d/mail.yml" \
    --incidents "$d/incidents.ndjson" --out "$d/findings.ndjson" "$d/events" "$d/email" 2> >(grep -v '^context ' >&2)
  "$out/vigil" eval --labels "$d/labels.jsonl" --findings "$d/findings.ndjson" --incidents "$d/incidents.ndjson" | tee "$d/eval.txt"
  "$out/vigil" eval --labels "$d/labels.jsonl" --findings "$d/findings.ndjson" --incidents "$d/incidents.ndjson" --json > "$d/eval.json"
  rm -rf "$d/events" "$d/context" "$d/email"   # keep the results, not the 2+ GB of input
done
