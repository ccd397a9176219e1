#!/usr/bin/env bash
# The package as a wheel: build it, install it (not editable) with the locked
# dependencies into a fresh virtual environment, and run the 2021-T1 batch on the
# sample from a folder outside the repository. Used by .ci/run and `make wheel-check`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python="${PYTHON:-python3}"

uv="$root/.venv/bin/uv"  # installed from the lock by `make setup`; fast installs
"$uv" build --quiet --wheel --out-dir "$work/dist" "$root"
"$python" -m venv "$work/venv"
"$uv" pip install --quiet --python "$work/venv/bin/python" -r "$root/requirements.lock"
"$uv" pip install --quiet --python "$work/venv/bin/python" --no-deps "$work"/dist/regionanalytics-*.whl
"$work/venv/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null

mkdir "$work/elsewhere"
cd "$work/elsewhere"
REGIONANALYTICS_CACHE="$work/cache" "$work/venv/bin/regionanalytics" run --period 2021-T1 \
    --division Länsteknik --data "$root/data/sample" --out "$work/out" --jobs 2
for f in index.html rapport-2021-T1.html region.html division-lansteknik.html summary.csv manifest.json; do
    test -s "$work/out/2021-T1/$f" || { echo "wheel check: $f missing" >&2; exit 1; }
done
# the notebooks came from the installed package, not from the checkout
"$work/venv/bin/python" - "$root" <<'PY'
import sys, pathlib, regionanalytics.runner as r
root = pathlib.Path(sys.argv[1])
assert root not in pathlib.Path(r.NOTEBOOKS).resolve().parents, r.NOTEBOOKS
print("wheel check: ok,", r.NOTEBOOKS)
PY
