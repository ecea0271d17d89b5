#!/usr/bin/env bash
# The GPU check, run from the bundle scripts/gpu-bundle makes (.gpu/), on a machine with no Java,
# no Maven and no package registry: `bash .gpu/run.sh [--smoke]`, results under $OUT.
#
# Finds an OpenCL driver (NVIDIA's first: opencl-env.sh), prints nvidia-smi and `komsu devices`,
# then, each step under a time cap: OpenClKnnBench (Flat knn and IVF-Flat scanLists) at nq 1 and
# nq 1024 on rvc768-shaped random data, and the harness with --backend cpu,opencl on an
# rvc256-shaped mixture (Flat, IVF-Flat nprobe 1/16, IVF-PQ, FastScan + RFlat) with the label
# agreement between the backends. Stops itself within 8 minutes and leaves at most 3 files in $OUT:
# run.log (everything printed), summary.md (the tables and the agreement), results.tar.gz.
#
# Sizes: GPU shapes when NVIDIA's driver is found; on any other OpenCL platform (PoCL on a CPU)
# smaller shapes that fit the time cap, said in the log; --smoke: the smallest, for CI (< 2 min).
set -uo pipefail   # no -e: a failed or timed-out step is reported and the next one still runs
bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
started=$(date +%s)
budget_s=465            # steps stop here; packing takes seconds, so the whole run ends < 480 s
smoke=0
case "${1:-}" in
  --smoke) smoke=1 ;;
  "") ;;
  *) echo "run.sh: unknown argument '$1' (usage: run.sh [--smoke])" >&2; exit 2 ;;
esac
java="$bundle/jdk/bin/java"
[ -x "$java" ] || { echo "run.sh: $java missing: build the bundle with scripts/gpu-bundle" >&2; exit 2; }
if [ -z "${OUT:-}" ]; then OUT=$(mktemp -d /tmp/komsu-gpu-out.XXXXXX); fi
mkdir -p "$OUT"
work=$(mktemp -d /tmp/komsu-gpu-work.XXXXXX)
report="$work/report"
mkdir -p "$report"
source "$bundle/opencl-env.sh"

cp="$bundle/lib/*"
mem_kib=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
# Off-heap matrices (the 614 MB rvc768 base, copies per backend) count against the direct-memory
# limit, which defaults to the heap size: give them half the machine.
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true
  -XX:MaxDirectMemorySize=$((mem_kib / 2))k -Dkomsu.home="$work")
threads=$(nproc)
komsu_opencl_env

if [ "$smoke" = 1 ]; then
  profile=smoke
  knn_small=(1 2000 768 8 32 4);   knn_big=(64 2000 768 8 32 4)
  mix=(10000 200 256); nlist=64   # 10 000 rows: PQ's k-means wants 39 x 256 points
elif [ "$KOMSU_OPENCL" = nvidia ]; then
  profile=gpu       # GPU.md's rvc768 shape (N 200 000, IVF2048, nprobe 16) and rvc256's sizes
  knn_small=(1 200000 768 8 2048 16); knn_big=(1024 200000 768 8 2048 16)
  mix=(100000 3000 256); nlist=1024
else
  profile=cpu-opencl   # an OpenCL CPU device is ~10x slower than the GPU shapes allow in 8 minutes
  knn_small=(1 20000 768 8 256 16);  knn_big=(1024 10000 768 8 256 16)
  mix=(20000 500 256);  nlist=256
fi

elapsed() { echo $(( $(date +%s) - started )); }

# step NAME CAP_S COMMAND...: runs under `timeout`, capped by what is left of the budget; output to
# the log and to $report/NAME.txt; a timeout or failure is reported and the run goes on.
step() {
  local name="$1" cap="$2" left rc t0
  shift 2
  left=$((budget_s - $(elapsed)))
  [ "$left" -lt "$cap" ] && cap=$left
  if [ "$cap" -lt 5 ]; then
    echo "== $name: skipped, the 8-minute budget is spent" | tee -a "$report/problems.txt"
    return 0
  fi
  echo "== $name (cap ${cap} s)"
  t0=$(date +%s)
  timeout -k 5 "$cap" "$@" 2>&1 | tee "$report/$name.txt"
  rc=${PIPESTATUS[0]}
  case "$rc" in
    0) echo "== $name: done in $(( $(date +%s) - t0 )) s" ;;
    124|137) echo "== $name: STOPPED at its ${cap} s cap (partial output above)" | tee -a "$report/problems.txt" ;;
    *) echo "== $name: FAILED (exit code $rc) after $(( $(date +%s) - t0 )) s" | tee -a "$report/problems.txt" ;;
  esac
  return 0
}

main() {
echo "komsu GPU check: profile $profile, bundle $bundle ($(cat "$bundle/BUILD" 2>/dev/null | head -n 1))"
echo "results: $OUT; $(nproc) CPUs, $((mem_kib / 1024 / 1024)) GiB; $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "$KOMSU_OPENCL_NOTE"
[ "$profile" = cpu-opencl ] && echo "not a GPU: shapes scaled down to fit 8 minutes; these figures are not GPU figures"
if command -v nvidia-smi >/dev/null || [ -x /usr/local/nvidia/bin/nvidia-smi ]; then
  step nvidia-smi 20 "$(command -v nvidia-smi || echo /usr/local/nvidia/bin/nvidia-smi)"
else
  echo "== nvidia-smi: not on PATH nor in /usr/local/nvidia/bin"
fi
step devices 60 "$java" "${jvm[@]}" -cp "$cp" dev.komsu.cli.KomsuCli devices
if ! grep -q '^\[0\]' "$report/devices.txt" 2>/dev/null; then
  KOMSU_OPENCL=none
  echo "NO OpenCL device visible to komsu. What was searched and found:"
  echo "$KOMSU_OPENCL_SEARCHED"
  echo "ICD files given to the loader ($OCL_ICD_VENDORS):"
  for f in "$OCL_ICD_VENDORS"/*.icd; do [ -f "$f" ] && echo "  $f -> $(cat "$f")"; done
  # ocl-icd's own account of each vendor library it tried to load (where its build prints one).
  OCL_ICD_DEBUG=15 timeout 60 "$java" "${jvm[@]}" -cp "$cp" dev.komsu.cli.KomsuCli devices >"$report/devices-debug.txt" 2>&1
  tail -n 40 "$report/devices-debug.txt"
fi

if [ "$KOMSU_OPENCL" != none ]; then
  step "knn-nq${knn_small[0]}" 75 "$java" "${jvm[@]}" -cp "$cp" dev.komsu.bench.kernels.OpenClKnnBench "${knn_small[@]}"
  step mixture 45 "$java" "${jvm[@]}" -cp "$cp" dev.komsu.demo.MixtureFiles "$work/data" "${mix[@]}"
  step harness 200 "$java" "${jvm[@]}" -cp "$cp" dev.komsu.bench.harness.HarnessMain \
    --dataset "rvc${mix[2]}-mixture" --base "$work/data/base.npy" --queries "$work/data/queries.npy" \
    --backend cpu,opencl --threads "$threads" --runs 3 --no-plot --nprobe 1,16 --k-factor 4 \
    --factory Flat --factory "IVF$nlist,Flat" --factory "IVF$nlist,PQ32" --factory "IVF$nlist,PQ128x4fs,RFlat" \
    --out "$work/harness" --cache "$work/cache" --faiss-reference "$work/no-faiss-reference"
  step "knn-nq${knn_big[0]}" 170 "$java" "${jvm[@]}" -cp "$cp" dev.komsu.bench.kernels.OpenClKnnBench "${knn_big[@]}"
  echo "== host<->device bytes per batch: skipped (the OpenCL backend does not count them yet; the storage issue adds the counter)"
fi

# The summary: the knn tables, the harness table and the label agreement, for a reader of $OUT.
{
  echo "# komsu GPU check ($profile), $(date -u +%Y-%m-%dT%H:%M:%SZ), $(elapsed) s"
  echo
  echo "- $KOMSU_OPENCL_NOTE"
  grep -h -e '^\[[0-9]\]' -e '^auto backend' "$report/devices.txt" 2>/dev/null | sed 's/^/- /'
  for f in "knn-nq${knn_small[0]}" "knn-nq${knn_big[0]}"; do
    [ -f "$report/$f.txt" ] && { echo; echo "## OpenClKnnBench $f"; echo; grep -e '^shapes' -e '^|' "$report/$f.txt"; }
  done
  if [ -f "$work/harness/results.md" ]; then
    echo; echo "## harness"; echo; cat "$work/harness/results.md"
  fi
  [ -f "$report/problems.txt" ] && { echo; echo "## steps that did not finish"; echo; cat "$report/problems.txt"; }
} >"$report/summary.md"
cp "$report/summary.md" "$OUT/summary.md"
tar -czf "$OUT/results.tar.gz" --exclude=harness/scratch -C "$work" report $(cd "$work" && ls -d harness 2>/dev/null)
echo "== packed summary.md, results.tar.gz and run.log into $OUT after $(elapsed) s"
[ "$KOMSU_OPENCL" = none ] && return 3
return 0
}

main 2>&1 | tee "$work/run.log"
rc=${PIPESTATUS[0]}
cp "$work/run.log" "$OUT/run.log"
rm -rf "$work"
exit "$rc"
