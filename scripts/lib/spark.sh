# Sourced by scripts that run the spark module (scripts/spark-search). Needs $root (the
# repository root) and lib/jdk.sh sourced first.
# Packages the module (and komsu's modules under it) when its jar is missing or a source is newer
# than the stamp; the class path is the module's jar plus target/classpath.txt, which Maven writes
# at package time from the local repository (Spark included: it is `provided`, not copied).

KOMSU_SPARK_TARGET="$root/spark/target"
KOMSU_SPARK_STAMP="$KOMSU_SPARK_TARGET/.komsu-build-stamp"
# What Spark's JVMs need on JDK 25 besides the Vector API (NIO access; Unsafe without warnings).
KOMSU_SPARK_JVM_ARGS=(--sun-misc-unsafe-memory-access=allow --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/sun.util.calendar=ALL-UNNAMED)

komsu_spark_is_stale() {
  [ -f "$KOMSU_SPARK_STAMP" ] && [ -f "$KOMSU_SPARK_TARGET/classpath.txt" ] \
    && compgen -G "$KOMSU_SPARK_TARGET/komsu-spark-*.jar" >/dev/null || return 0
  local m
  for m in pom.xml kernels/pom.xml host/pom.xml spark/pom.xml kernels/src/main host/src/main spark/src/main; do
    [ -n "$(find "$root/$m" -newer "$KOMSU_SPARK_STAMP" -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}

komsu_build_spark() {
  if komsu_spark_is_stale; then
    echo "komsu: building the spark module (first run or sources changed; the first run downloads Spark)..." >&2
    (cd "$root" && mvn -B -q -ntp -pl spark -am package -DskipTests) >&2 || {
      echo "komsu: build failed (mvn -B -q -ntp -pl spark -am package -DskipTests in $root)" >&2
      exit 1
    }
    touch "$KOMSU_SPARK_STAMP"
  fi
}

komsu_spark_classpath() {
  local jar
  jar=$(ls "$KOMSU_SPARK_TARGET"/komsu-spark-*.jar | grep -v -e '-sources.jar$' -e '-javadoc.jar$' | head -n 1)
  echo "$jar:$(cat "$KOMSU_SPARK_TARGET/classpath.txt")"
}
