#!/usr/bin/env bash
# The device check, from an unpacked device bundle (built by engine/tornadovm/device/bundle.sh):
#
#   mkdir -p /tmp/b && tar -xJf device-bundle.tar.xz -C /tmp/b && /tmp/b/run.sh [options]
#
# It writes $OUT/device-results.json ($OUT defaults to the current folder) and prints its progress
# as it goes. Steps:
#   1. the system: nvidia-smi, the NVIDIA driver's version, the OpenCL and CUDA libraries found;
#   2. TornadoVM's device list, for each backend the bundle has: OpenCL (through Debian's ICD
#      loader in ocl/, with an ICD file naming libnvidia-opencl.so.1 beside the system's own ICD
#      files) and, when the bundle has it and libcuda.so.1 is there, PTX;
#   3. the device check (org.replique.device.DeviceCheck) on each backend that started, OpenCL
#      first: correctness on small models, then (not with --quick) Mistral-7B-shaped Q8_0 and Q4_0
#      files written on this machine, their logits against the CPU backend, prefill and decode
#      speed, and a per-kernel profile;
#   4. one JSON of it all.
# A budget (default 540 s, under the 10-minute limit of one call) bounds the whole run: each check
# gets its share and stops early rather than be cut off.
#
# Options: --quick  --budget SECONDS  --backends opencl,ptx  --layers N  --prompt N  --generate N
#          --repetitions N  --replique ARGS... (runs the application with the TornadoVM backend instead)
# Environment: OUT, REPLIQUE_DEVICE_WORK (scratch, default ${TMPDIR:-/tmp}/replique-device: the
# 7B-shaped files, 12 GB for 32 layers), REPLIQUE_DEVICE_MEMORY (TornadoVM's device memory limit,
# default 64GB), REPLIQUE_KV_POSITIONS (KV cache pool, default 2048).
set -uo pipefail

bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
start=$(date +%s)
OUT=${OUT:-$PWD}
budget=540
quick=0
backends=""
check_args=()
replique_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --budget) budget=$2; shift ;;
    --backends) backends=$2; shift ;;
    --layers|--prompt|--generate|--repetitions|--profile-tokens) check_args+=("$1" "$2"); shift ;;
    --replique) shift; replique_args=("$@"); break ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=${REPLIQUE_DEVICE_WORK:-${TMPDIR:-/tmp}/replique-device}
mkdir -p "$work/cwd" "$work/icd" "$work/cache"
log() { printf '[run %4ds] %s\n' "$(( $(date +%s) - start ))" "$*"; }
left() { echo $(( budget - ($(date +%s) - start) )); }

java="$bundle/jdk/bin/java"
export TORNADOVM_HOME="$bundle/tornadovm"
export REPLIQUE_CACHE="$work/cache"

# OpenCL: Debian's ICD loader reads the vendor files in $OCL_ICD_VENDORS. The NVIDIA container
# runtime mounts libnvidia-opencl.so.1 but not /etc/OpenCL/vendors/nvidia.icd, so the bundle brings
# that one; the system's own vendor files (PoCL, ROCm, ...) are kept beside it.
rm -f "$work/icd"/*.icd
cp /etc/OpenCL/vendors/*.icd "$work/icd/" 2>/dev/null || true
[ -f "$work/icd/nvidia.icd" ] || cp "$bundle/ocl/nvidia.icd" "$work/icd/"
export OCL_ICD_VENDORS="$work/icd"
export LD_LIBRARY_PATH="$bundle/ocl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# The argument files hold absolute paths: written here, for where the bundle was unpacked. The
# current folder, which TornadoVM's file puts on the module path, is left out of it.
write_argfile() {  # template, output
  sed -e "s#\${TORNADOVM_HOME}#$TORNADOVM_HOME#g" -e 's#--module-path \.:#--module-path #' "$1" > "$2"
}
for b in opencl ptx; do
  [ -f "$TORNADOVM_HOME/argfile-$b.template" ] && write_argfile "$TORNADOVM_HOME/argfile-$b.template" "$work/argfile-$b"
done

classpath="$bundle/lib/replique.jar:$bundle/lib/replique-engine-tornadovm.jar"
jvm_flags=(-Dtornado.recover.bailout=False -Dtornado.tvm.maxbytecodesize=65536
           "-Dtornado.device.memory=${REPLIQUE_DEVICE_MEMORY:-64GB}"
           "-Dreplique.tornadovm.kv-positions=${REPLIQUE_KV_POSITIONS:-2048}"
           --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
           --add-modules=jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 -Xss4m)
cd "$work/cwd" || exit 1

# The application itself, with the TornadoVM backend (OpenCL unless REPLIQUE_TORNADO_BACKEND=ptx).
if [ "${#replique_args[@]}" -gt 0 ]; then
  exec "$java" @"$work/argfile-${REPLIQUE_TORNADO_BACKEND:-opencl}" "${jvm_flags[@]}" -cp "$classpath" \
    "$(cat "$bundle/lib/main-class")" "${replique_args[@]}"
fi

# A shared library the dynamic linker would find: in its cache, on LD_LIBRARY_PATH, or where
# drivers and container runtimes put it.
find_lib() {  # name
  local d
  if ldconfig -p 2>/dev/null | grep -q "[[:space:]]$1[[:space:]]"; then
    ldconfig -p | grep -m1 "[[:space:]]$1[[:space:]]" | sed 's/.*=> //'; return 0
  fi
  for d in ${LD_LIBRARY_PATH//:/ } /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 \
           /usr/local/nvidia/lib /usr/lib/wsl/lib; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  return 1
}

# ---- 1. The system ------------------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) cpus, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory"
  echo "bundle: $(sed -n '1,6p' "$bundle/MANIFEST.txt" | tr '\n' ';')"
  if [ -r /proc/driver/nvidia/version ]; then echo "nvidia driver: $(head -1 /proc/driver/nvidia/version)"; fi
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv,noheader 2>&1 | sed 's/^/gpu: /'
  fi
  echo "libraries:"
  for l in libcuda.so.1 libnvidia-opencl.so.1 libnvidia-ptxjitcompiler.so.1 libOpenCL.so.1; do
    echo "  $l: $(find_lib "$l" || echo 'not found')"
  done
  echo "opencl vendor files: $(ls "$work/icd" | tr '\n' ' ')"
  df -h "$work" | tail -1 | awk '{ print "scratch: " $4 " free on " $6 }'
} > "$OUT/system.txt" 2>&1
log "system:"
sed 's/^/    /' "$OUT/system.txt"

# ---- 2. Devices ---------------------------------------------------------------------------------
# TornadoVM loads every backend module the argument file resolves and stops if one fails (PTX
# without libcuda.so.1): each backend is tried on its own.
has_cuda=0
find_lib libcuda.so.1 >/dev/null && has_cuda=1
[ -z "$backends" ] && backends=opencl$( [ -f "$work/argfile-ptx" ] && [ "$has_cuda" = 1 ] && echo ,ptx)
usable=()
for b in ${backends//,/ }; do
  if [ ! -f "$work/argfile-$b" ]; then
    log "$b: not in this bundle"
    echo "not in this bundle" > "$OUT/devices-$b.txt"
    continue
  fi
  log "$b: TornadoVM's devices"
  timeout 120 "$java" @"$work/argfile-$b" -Dtornado.recover.bailout=False \
    uk.ac.manchester.tornado.drivers.TornadoDeviceQuery verbose > "$OUT/devices-$b.txt" 2>&1
  rc=$?
  sed -e 's/\x1b\[[0-9;]*m//g' -e '/^WARNING: Using incubator modules/d' -i "$OUT/devices-$b.txt"
  sed 's/^/    /' "$OUT/devices-$b.txt" | grep -v '^\s*$' | head -40
  if [ "$rc" = 0 ] && grep -q 'Tornado device=' "$OUT/devices-$b.txt"; then
    usable+=("$b")
  else
    log "$b: TornadoVM did not start (exit $rc), see $OUT/devices-$b.txt"
  fi
done

# The device a backend runs on: its first NVIDIA (else GPU, else any) device in TornadoVM's list,
# as -Dtornado.backend=B -Dtornado.device=D.
device_flags() {  # backend
  local kind
  kind=$(echo "$1" | tr '[:lower:]' '[:upper:]')
  awk -v kind="$kind" '
    /Tornado device=/ { match($0, /device=[0-9]+:[0-9]+/); id = substr($0, RSTART + 7, RLENGTH - 7); next }
    id != "" && index($0, kind " --") {
      if (best == "" || (rank < 2 && $0 ~ /NVIDIA/) || (rank < 1 && $0 ~ /GPU|GeForce|Tesla|H100|H200|A100|Radeon/)) {
        best = id; rank = ($0 ~ /NVIDIA/) ? 2 : (($0 ~ /GPU|GeForce|Tesla|H100|H200|A100|Radeon/) ? 1 : 0)
      }
      id = ""
    }
    END { if (best != "") { split(best, p, ":"); printf "-Dtornado.backend=%s -Dtornado.device=%s\n", p[1], p[2] } }
  ' "$OUT/devices-$1.txt"
}

# ---- 3. The check on each backend ---------------------------------------------------------------
demo_f32=()
[ -f "$bundle/fixtures/models/replique-mini-fr-f32.gguf" ] && demo_f32=(--demo-f32 "$bundle/fixtures/models/replique-mini-fr-f32.gguf")
[ "$quick" = 1 ] && check_args+=(--quick)
results=()
status=0
n=${#usable[@]}
i=0
for b in "${usable[@]}"; do
  i=$((i + 1))
  remaining=$(( $(left) - 15 ))
  # The first check also writes the 7B-shaped files, which the later ones reuse: it gets 60%.
  share=$remaining
  if [ "$i" -lt "$n" ]; then share=$(( remaining * 6 / 10 )); fi
  if [ "$share" -lt 30 ]; then
    log "$b: skipped, ${remaining}s left"
    continue
  fi
  read -r -a select <<< "$(device_flags "$b")"
  log "$b: device check (budget ${share}s) ${select[*]:-}"
  timeout --kill-after=10 $((share + 45)) "$java" @"$work/argfile-$b" "${jvm_flags[@]}" "${select[@]}" \
    -cp "$classpath:$bundle/lib/replique-device-check.jar:$bundle/lib/replique-test-fixtures.jar" \
    org.replique.device.DeviceCheck --label "$b" --out "$OUT/device-results-$b.json" \
    --fixtures "$bundle/fixtures" "${demo_f32[@]}" --work "$work/models" --devices "$OUT/devices-$b.txt" \
    --budget "$share" "${check_args[@]}" 2>&1 | tee "$OUT/device-check-$b.log"
  rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || status=1
  log "$b: device check exited with $rc"
  [ -f "$OUT/device-results-$b.json" ] && results+=("$OUT/device-results-$b.json")
done
[ "${#usable[@]}" -gt 0 ] || status=1

# ---- 4. One JSON --------------------------------------------------------------------------------
devices=()
for b in opencl ptx; do
  [ -f "$OUT/devices-$b.txt" ] && devices+=(--devices "$b=$OUT/devices-$b.txt")
done
"$java" -cp "$bundle/lib/replique.jar:$bundle/lib/replique-device-check.jar" org.replique.device.MergeResults \
  --out "$OUT/device-results.json" --system "$OUT/system.txt" "${devices[@]}" "${results[@]}"
log "results: $OUT/device-results.json (exit $status)"
exit "$status"
