# Sourced by the scripts in bin/: finds a JDK 25 or newer and sets JAVA_HOME to it.
# Order: $REPLIQUE_JAVA_HOME, $JAVA_HOME, common install locations, the java on PATH.

java_feature_version() {  # prints the feature version of a java binary, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

find_java_home() {
  local candidates=() home
  [ -n "${REPLIQUE_JAVA_HOME:-}" ] && candidates+=("$REPLIQUE_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64
               /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/jdk-25* /usr/lib/jvm/temurin-2[6-9]* /opt/java/openjdk
               /opt/jdk-25* /Library/Java/JavaVirtualMachines/temurin-25.jdk/Contents/Home
               "$HOME"/.sdkman/candidates/java/25*)
  if command -v java >/dev/null; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ "$(java_feature_version "$home/bin/java")" -ge 25 ] 2>/dev/null; then
      echo "$home"; return 0
    fi
  done
  return 1
}

require_java() {
  JAVA_HOME=$(find_java_home) || {
    echo "replique: no JDK 25 found. Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
    echo "          Looked at \$REPLIQUE_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/*25*, /opt and the java on PATH." >&2
    exit 1
  }
  export JAVA_HOME
}
