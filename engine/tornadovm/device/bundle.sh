#!/usr/bin/env bash
# Builds the device bundle, engine/tornadovm/target/device-bundle.tar.xz: everything the device
# check needs on a machine with a GPU and nothing else (no JDK, no network). Unpacked in any folder,
# its ./run.sh runs the check (see run.sh).
#
#   TORNADOVM_HOME=/path/to/tornadovm-sdk engine/tornadovm/device/bundle.sh [--no-build] [--out FILE]
#
# Contents (about 45 MiB compressed; the limit is 60 MiB):
#   jdk/        a jlinked JDK 25 runtime: the modules TornadoVM, the engine and the check use
#   tornadovm/  the SDK's native libraries, etc/, the jars its argument file loads (TornadoVM's
#               runtime and drivers, and of the Graal jars only the compiler, truffle-compiler,
#               collections and word), and its argument-file template; when the SDK has the PTX
#               backend, that too, and argument files for OpenCL alone and for OpenCL + PTX
#   lib/        replique.jar, the TornadoVM backend, the device check and the test fixtures' jar
#               (its GGUF writer makes the 7B-shaped models on the device)
#   ocl/        Debian's OpenCL ICD loader (ocl-icd-libopencl1) and an ICD file naming the NVIDIA
#               driver's libnvidia-opencl.so.1
#   fixtures/   stories260K F32 and the llama.cpp references the check compares with; the demo
#               model F32 when ../shared/models has it (the Q8_0 one is inside replique.jar)
#   run.sh, README.txt, MANIFEST.txt
#
# Needs: TORNADOVM_HOME, a JDK 25 with jlink (bin/lib/find-java.sh finds it), Maven for the build,
# zip/unzip, xz, and apt-get or an installed ocl-icd-libopencl1 for the ICD loader.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
out="$root/engine/tornadovm/target/device-bundle.tar.xz"
build=1
limit_mib=60
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --out) out=$2; shift ;;
    *) echo "bundle.sh: unknown option $1 (options: --no-build, --out FILE)" >&2; exit 2 ;;
  esac
  shift
done

. "$root/bin/lib/find-java.sh"
require_java
if [ -z "${TORNADOVM_HOME:-}" ] || [ ! -f "$TORNADOVM_HOME/tornado-argfile.template" ]; then
  echo "bundle.sh: set TORNADOVM_HOME to a TornadoVM SDK (the folder with tornado-argfile.template)." >&2
  exit 1
fi
tv=$TORNADOVM_HOME
ptx=0
grep -q 'ptx-backend' "$tv/etc/tornado.backend" 2>/dev/null && ptx=1
shared=${REPLIQUE_SHARED:-$root/../shared}

say() { printf 'bundle: %s\n' "$*" >&2; }

if [ "$build" = 1 ]; then
  say "building the jars (mvn package, TornadoVM profile)"
  (cd "$root" && mvn -B -q -DskipTests package -pl language-server,engine/tornadovm,engine/tornadovm/device -am) >&2
fi

one() {  # the single file matching a glob, or fail
  local matches=() m
  for m in "$@"; do
    case "$m" in *-sources.jar|*-javadoc.jar|*original-*) ;; *) [ -f "$m" ] && matches+=("$m") ;; esac
  done
  if [ "${#matches[@]}" -ne 1 ]; then
    echo "bundle.sh: expected one file for $*, found ${#matches[@]}: ${matches[*]:-none}" >&2
    exit 1
  fi
  echo "${matches[0]}"
}

replique_jar=$(one "$root/language-server/target/replique.jar")
backend_jar=$(one "$root"/engine/tornadovm/target/replique-engine-tornadovm-*.jar)
check_jar=$(one "$root"/engine/tornadovm/device/target/replique-device-check-*.jar)
fixtures_jar=$(one "$root"/test-fixtures/target/replique-test-fixtures-*.jar)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/bundle"
mkdir -p "$stage"/{lib,ocl,tornadovm/lib,tornadovm/etc,tornadovm/share/java/tornado,tornadovm/share/java/graalJars}
[ "$ptx" = 1 ] && mkdir -p "$stage/tornadovm/share/java/ptx"
mkdir -p "$stage"/fixtures/{models,reference}

# A jar rewritten with its entries stored, not deflated: xz then compresses the classes of all jars
# together, far better than it can compress deflated data. The content is unchanged (class files
# keep their debug tables, which TornadoVM's compiler reads).
store() {
  local src=$1 dst=$2 x="$work/x"
  rm -rf "$x" && mkdir -p "$x"
  (cd "$x" && unzip -q "$src")
  rm -f "$dst"
  if [ -f "$x/META-INF/MANIFEST.MF" ]; then
    (cd "$x" && zip -q -0 -X "$dst" META-INF/MANIFEST.MF && zip -q -0 -X -r "$dst" . -x META-INF/MANIFEST.MF)
  else
    (cd "$x" && zip -q -0 -X -r "$dst" .)
  fi
  rm -rf "$x"
}

# ---- JDK -------------------------------------------------------------------------------------
modules=java.base,java.compiler,java.sql,java.logging,java.management,jdk.management,jdk.unsupported
modules=$modules,jdk.incubator.vector,jdk.internal.vm.ci,jdk.zipfs
# TornadoVM's PTX driver module requires java.desktop.
[ "$ptx" = 1 ] && modules=$modules,java.desktop
say "jlink: $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-0 --output "$stage/jdk" 2>&1 | grep -v 'incubator modules' >&2 || true
[ -x "$stage/jdk/bin/java" ] || { echo "bundle.sh: jlink failed" >&2; exit 1; }

# ---- TornadoVM --------------------------------------------------------------------------------
say "TornadoVM from $tv ($( [ "$ptx" = 1 ] && echo 'OpenCL + PTX' || echo 'OpenCL'))"
cp "$tv"/lib/libtornado-opencl.so "$stage/tornadovm/lib/"
[ "$ptx" = 1 ] && cp "$tv"/lib/libtornado-ptx.so "$stage/tornadovm/lib/"
for f in tornado.properties tornado.backend tornado.release; do
  [ -f "$tv/etc/$f" ] && cp "$tv/etc/$f" "$stage/tornadovm/etc/"
done
cp "$tv"/LICENSE_* "$stage/tornadovm/" 2>/dev/null || true
# The modules the argument file resolves: TornadoVM's runtime, API, annotations, common and OpenCL
# drivers and what they require (ASM, commons-math3, snmp4j); Graal's compiler and its requirements.
tornado_jars=(tornado-api tornado-runtime tornado-annotation tornado-drivers-common tornado-drivers-opencl
              tornado-drivers-opencl-jni asm commons-math3 snmp4j)
for name in "${tornado_jars[@]}"; do
  jar=$(one "$tv"/share/java/tornado/"$name"-[0-9]*.jar)
  store "$jar" "$stage/tornadovm/share/java/tornado/$(basename "$jar")"
done
# The PTX driver in a folder of its own: the JVM resolves every module on the module path that
# provides a service TornadoVM uses, so the OpenCL-only argument file must not see it.
if [ "$ptx" = 1 ]; then
  for name in tornado-drivers-ptx tornado-drivers-ptx-jni; do
    jar=$(one "$tv"/share/java/tornado/"$name"-[0-9]*.jar)
    store "$jar" "$stage/tornadovm/share/java/ptx/$(basename "$jar")"
  done
fi
for name in compiler truffle-compiler collections word; do
  jar=$(one "$tv"/share/java/graalJars/"$name"-[0-9]*.jar)
  store "$jar" "$stage/tornadovm/share/java/graalJars/$(basename "$jar")"
done
# Argument files: the SDK's template (${TORNADOVM_HOME} placeholders, which run.sh fills in after
# unpacking). With PTX, the OpenCL-only one leaves the PTX module out, so that a machine without
# CUDA still starts TornadoVM (it loads every backend module it resolves).
if [ "$ptx" = 1 ]; then
  sed -e 's#^--module-path \(.*\)\${TORNADOVM_HOME}/share/java/tornado$#--module-path \1${TORNADOVM_HOME}/share/java/tornado:${TORNADOVM_HOME}/share/java/ptx#' \
    "$tv/tornado-argfile.template" > "$stage/tornadovm/argfile-ptx.template"
  grep -q 'share/java/ptx' "$stage/tornadovm/argfile-ptx.template" || {
    echo "bundle.sh: the SDK's argument file has no '--module-path ...share/java/tornado' line to extend" >&2; exit 1; }
  sed -e 's/,tornado\.drivers\.ptx//g' -e '/tornado\.drivers\.ptx/d' -e '/^# === ptx-exports ===/d' \
    "$tv/tornado-argfile.template" > "$stage/tornadovm/argfile-opencl.template"
else
  cp "$tv/tornado-argfile.template" "$stage/tornadovm/argfile-opencl.template"
fi

# ---- Réplique -----------------------------------------------------------------------------------
say "jars: $(basename "$replique_jar"), $(basename "$backend_jar"), $(basename "$check_jar"), $(basename "$fixtures_jar")"
store "$replique_jar" "$stage/lib/replique.jar"
store "$backend_jar" "$stage/lib/replique-engine-tornadovm.jar"
store "$check_jar" "$stage/lib/replique-device-check.jar"
store "$fixtures_jar" "$stage/lib/replique-test-fixtures.jar"
main_class=$(unzip -p "$replique_jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Main-Class: *//p')

# ---- OpenCL ICD loader ------------------------------------------------------------------------
say "OpenCL ICD loader (Debian ocl-icd-libopencl1)"
deb_dir="$work/deb"
mkdir -p "$deb_dir"
if (cd "$deb_dir" && apt-get download ocl-icd-libopencl1 >/dev/null 2>&1); then
  dpkg-deb -x "$deb_dir"/ocl-icd-libopencl1_*.deb "$deb_dir/root"
  lib=$(find "$deb_dir/root" -name 'libOpenCL.so.1.*' -type f | head -1)
  copyright=$(find "$deb_dir/root" -path '*ocl-icd-libopencl1/copyright' | head -1)
  version=$(dpkg-deb -f "$deb_dir"/ocl-icd-libopencl1_*.deb Version)
elif dpkg -s ocl-icd-libopencl1 >/dev/null 2>&1; then
  lib=$(readlink -f "$(dpkg -L ocl-icd-libopencl1 | grep -m1 'libOpenCL.so.1$')")
  copyright=/usr/share/doc/ocl-icd-libopencl1/copyright
  version=$(dpkg -s ocl-icd-libopencl1 | sed -n 's/^Version: //p')
else
  echo "bundle.sh: cannot get ocl-icd-libopencl1 (apt-get download failed and it is not installed)" >&2
  exit 1
fi
cp "$lib" "$stage/ocl/libOpenCL.so.1"
[ -n "${copyright:-}" ] && [ -f "$copyright" ] && cp "$copyright" "$stage/ocl/copyright.ocl-icd"
echo "libnvidia-opencl.so.1" > "$stage/ocl/nvidia.icd"

# ---- Fixtures ---------------------------------------------------------------------------------
fx="$root/test-fixtures"
cp "$fx/models/stories260K-f32.gguf" "$fx/models/LICENSE-llama2.c-MIT" "$stage/fixtures/models/"
cp "$fx/reference/stories260K-f32.once.n64.kvf32.llamacpp.json" "$stage/fixtures/reference/"
for type in f32 q8_0; do
  for prompt in alceste cuisiner dash; do
    cp "$fx/reference/replique-mini-fr-$type.$prompt.n64.kvf32.llamacpp.json" "$stage/fixtures/reference/"
  done
done
if [ -f "$shared/models/replique-mini-fr-f32.gguf" ]; then
  cp "$shared/models/replique-mini-fr-f32.gguf" "$stage/fixtures/models/"
else
  say "no replique-mini-fr-f32.gguf under $shared/models: the check will skip the F32 demo model"
fi
cp "$root/engine/src/main/resources/org/replique/engine/models/README.md" "$stage/fixtures/models/README-replique-mini-fr.md"

# ---- Launcher and manifest --------------------------------------------------------------------
cp "$here/run.sh" "$stage/run.sh"
chmod +x "$stage/run.sh"
echo "$main_class" > "$stage/lib/main-class"
cat > "$stage/README.txt" <<EOF
Réplique device bundle: the TornadoVM backend's check on a GPU, with everything it needs.

  ./run.sh            the whole check (a few minutes on a GPU): writes \$OUT/device-results.json
  ./run.sh --quick    the small-model correctness part only
  ./run.sh --help     the options

\$OUT defaults to the current folder. The 7B-shaped models are written under
\${REPLIQUE_DEVICE_WORK:-\${TMPDIR:-/tmp}/replique-device}, never under \$OUT.
lib/replique.jar is the application (Main-Class $main_class): run.sh --replique ARGS... runs it
with the TornadoVM backend, e.g. ./run.sh --replique bench --backend tornadovm -m MODEL.gguf
EOF
{
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "java: $("$stage/jdk/bin/java" -version 2>&1 | head -1)"
  echo "jdk modules: $modules"
  echo "tornadovm: $(tr '\n' ' ' < "$tv/etc/tornado.release" 2>/dev/null) backends: $( [ "$ptx" = 1 ] && echo 'opencl ptx' || echo opencl)"
  echo "ocl-icd-libopencl1: $version"
  echo "main class: $main_class"
  echo
  (cd "$stage" && find . -type f -printf '%s\t%p\n' | sort -k2)
} > "$stage/MANIFEST.txt"

say "compressing (xz -9)"
mkdir -p "$(dirname "$out")"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -cf - . | xz -T0 -9 > "$out.part"
mv "$out.part" "$out"
bytes=$(stat -c %s "$out")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
say "$out: $mib MiB (unpacked $(du -sh "$stage" | cut -f1))"
for part in jdk tornadovm lib ocl fixtures; do
  say "  $part: $(du -sh "$stage/$part" | cut -f1) unpacked"
done
if [ "$bytes" -gt $((limit_mib * 1048576)) ]; then
  echo "bundle.sh: the bundle is $mib MiB, over the $limit_mib MiB limit" >&2
  exit 1
fi
echo "$out"
