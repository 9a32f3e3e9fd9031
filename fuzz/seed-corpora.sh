#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, not committed) from the shipped files:
# the example claims and test claims (TOML and JSON), the rule files of both shipped sets (each
# with the byte that puts it in place of its default file), a small generated history as JSON
# Lines and CSV. Run from anywhere; cargo fuzz keeps what it finds beside the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus
mkdir -p "$corpus"/{claim_toml,claim_json,rule_file,history_jsonl,history_csv,fast_vs_spanned,advise_any_claim}

for f in examples/claims/*.toml tests/data/claims/*.toml casebook/*/cases/*.toml; do
    [ -f "$f" ] && cp "$f" "$corpus/claim_toml/$(echo "$f" | tr '/' '_')"
done
for f in examples/claims/*.json tests/data/claims/*.json; do
    [ -f "$f" ] && cp "$f" "$corpus/claim_json/$(echo "$f" | tr '/' '_')"
done

# The rule files, in the order of settle_rules::defaults::DEFAULT_FILES: the first byte picks
# the file replaced.
i=0
for name in buyer costs eligibility escalation relationship responsibility ruleset; do
    for set in rules/default rules/lean; do
        out="$corpus/rule_file/$(echo "$set" | tr '/' '_')_$name"
        printf "\\x$(printf %02x "$i")" > "$out"
        cat "$set/$name.toml" >> "$out"
    done
    i=$((i + 1))
done
for f in tests/data/rules/*.toml tests/data/lint/*.toml; do
    # A case names the file it replaces on its first line.
    name="$(head -n 1 "$f" | sed -n 's/^# replaces: *\(.*\)\.toml$/\1/p')"
    j=0
    for n in buyer costs eligibility escalation relationship responsibility ruleset; do
        if [ "$n" = "$name" ]; then
            out="$corpus/rule_file/$(echo "$f" | tr '/' '_')"
            printf "\\x$(printf %02x "$j")" > "$out"
            cat "$f" >> "$out"
        fi
        j=$((j + 1))
    done
done

settle="${SETTLE:-}"
if [ -z "$settle" ]; then
    cargo build --locked -q -p settle-cli
    settle=target/debug/settle
    [ -n "${CARGO_TARGET_DIR:-}" ] && settle="$CARGO_TARGET_DIR/debug/settle"
fi
"$settle" history gen --count 40 --seed 11 --out "$corpus/history_jsonl/generated.jsonl" 2>/dev/null
"$settle" history gen --count 40 --seed 11 --format csv --out "$corpus/history_csv/generated.csv" 2>/dev/null
"$settle" history import examples/claims --out "$corpus/history_jsonl/examples.jsonl" 2>/dev/null
"$settle" history import examples/claims --format csv --out "$corpus/history_csv/examples.csv" 2>/dev/null
# The fast path's seeds: one claim a line, each its own file.
n=0
while IFS= read -r line; do
    printf '%s' "$line" > "$corpus/fast_vs_spanned/line-$n.json"
    n=$((n + 1))
done < <(cat "$corpus/history_jsonl/examples.jsonl"; head -n 20 "$corpus/history_jsonl/generated.jsonl")
# The structure-aware target starts from a few random byte strings.
for k in 1 2 3 4; do
    head -c 2048 /dev/urandom > "$corpus/advise_any_claim/random-$k"
done
echo "seeded $(find "$corpus" -type f | wc -l) files into $corpus" >&2
