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
# the build says nothing about package data: its folders are declared (pyproject.toml)
"$uv" build --wheel --out-dir "$work/dist" "$root" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
if grep -q "is absent from the \`packages\` configuration" "$work/build.log"; then
    grep -B1 -A3 "absent from the" "$work/build.log" >&2
    echo "wheel check: setuptools warns about undeclared package data" >&2; exit 1
fi
listing="$("$python" -m zipfile -l "$work"/dist/regionanalytics-*.whl)"
for f in regionanalytics/templates/report/index.html.j2 regionanalytics/notebooks/division_report.ipynb; do
    grep -qF "$f" <<<"$listing" || { echo "wheel check: $f is not in the wheel" >&2; exit 1; }
done
"$python" -m venv --without-pip "$work/venv"  # uv installs into it
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
