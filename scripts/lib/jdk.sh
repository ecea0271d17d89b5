# Sourced by every script: finds a JDK >= 25 and exports JAVA_HOME and PATH for it.
# The default `java` on these machines is 17, so nothing may rely on PATH.

komsu_java_major() {   # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

komsu_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(komsu_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! KOMSU_JDK=$(komsu_find_jdk); then
  echo "komsu: no JDK 25 or newer found (looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*)." >&2
  echo "komsu: install Temurin 25 (e.g. /usr/lib/jvm/temurin-25-jdk-amd64) or point JAVA_HOME at a JDK >= 25." >&2
  exit 1
fi
export JAVA_HOME="$KOMSU_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# The Vector API is an incubator module; every JVM we start needs it.
KOMSU_JVM_ARGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
