# Sourced by scripts that run the komsu CLI module (scripts/komsu, scripts/demo).
# Needs $KOMSU_ROOT (the repository root) and lib/jdk.sh sourced first.
# Packages the CLI (and the modules under it) when a jar is missing or any source is newer than
# the stamp, then offers komsu_run_cli MAIN_CLASS ARGS..., which execs java on the packaged jars
# with the JDK's AOT cache (JEP 483/514/515: classes loaded and linked, method profiles) made by a
# training run on first use after each build. KOMSU_AOT=0 runs without the cache.
# KOMSU_CLASSPATH, when set, is used as it is: no build, no cache (the CLI's tests run the script
# on their own class path, since rebuilding jars under a running test JVM breaks it).

KOMSU_CLI_TARGET="$KOMSU_ROOT/cli/target"
KOMSU_CLI_STAMP="$KOMSU_CLI_TARGET/.komsu-build-stamp"
KOMSU_AOT_CACHE="$KOMSU_CLI_TARGET/komsu.aot"

komsu_cli_is_stale() {
  [ -f "$KOMSU_CLI_STAMP" ] && [ -d "$KOMSU_CLI_TARGET/lib" ] && compgen -G "$KOMSU_CLI_TARGET/komsu-cli-*.jar" >/dev/null || return 0
  local m
  for m in pom.xml kernels/pom.xml kernels-opencl/pom.xml host/pom.xml cli/pom.xml \
           kernels/src/main kernels-opencl/src/main host/src/main cli/src/main; do
    [ -n "$(find "$KOMSU_ROOT/$m" -newer "$KOMSU_CLI_STAMP" -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}

komsu_build_cli() {
  [ -n "${KOMSU_CLASSPATH:-}" ] && return 0
  if komsu_cli_is_stale; then
    echo "komsu: building the CLI (first run or sources changed)..." >&2
    (cd "$KOMSU_ROOT" && mvn -B -q -ntp -pl cli -am package -DskipTests) >&2 || {
      echo "komsu: build failed (mvn -B -q -ntp -pl cli -am package -DskipTests in $KOMSU_ROOT)" >&2
      exit 1
    }
    rm -f "$KOMSU_AOT_CACHE"
    touch "$KOMSU_CLI_STAMP"
  fi
}

# The class path, in a fixed order: an AOT cache is only used with the class path it was made with.
komsu_cli_classpath() {
  local cp jar
  cp=$(ls "$KOMSU_CLI_TARGET"/komsu-cli-*.jar | grep -v -e '-sources.jar$' -e '-javadoc.jar$' | head -n 1)
  for jar in $(ls "$KOMSU_CLI_TARGET"/lib/*.jar | LC_ALL=C sort); do cp="$cp:$jar"; done
  echo "$cp"
}

# Makes the AOT cache with one training run (a small build, search, blend and info in a temp
# folder); on failure komsu runs without it and says so once.
komsu_make_aot_cache() {
  local cp="$1" log="$KOMSU_CLI_TARGET/komsu-aot-training.log"
  echo "komsu: making the start-up cache (once per build, a few seconds)..." >&2
  if ! java "${KOMSU_JVM_ARGS[@]}" -XX:AOTCacheOutput="$KOMSU_AOT_CACHE" -Xlog:aot=warning,cds=warning \
       -cp "$cp" dev.komsu.cli.AotTraining >"$log" 2>&1 || [ ! -f "$KOMSU_AOT_CACHE" ]; then
    echo "komsu: no start-up cache (training run failed, see $log); running without it" >&2
    rm -f "$KOMSU_AOT_CACHE"
  fi
}

komsu_run_cli() {
  local main="$1" cp aot=()
  shift
  if [ -n "${KOMSU_CLASSPATH:-}" ]; then
    exec java "${KOMSU_JVM_ARGS[@]}" -cp "$KOMSU_CLASSPATH" "$main" "$@"
  fi
  cp=$(komsu_cli_classpath)
  if [ "${KOMSU_AOT:-1}" != "0" ]; then
    [ -f "$KOMSU_AOT_CACHE" ] || komsu_make_aot_cache "$cp"
    # -Xlog:aot=off,cds=off: a cache the JVM cannot use (another JDK build) is skipped silently.
    [ -f "$KOMSU_AOT_CACHE" ] && aot=(-XX:AOTCache="$KOMSU_AOT_CACHE" -Xlog:aot=off -Xlog:cds=off)
  fi
  exec java "${KOMSU_JVM_ARGS[@]}" "${aot[@]}" -cp "$cp" "$main" "$@"
}
