# Sourced by scripts that run Java code of the host module (scripts/komsu, scripts/demo).
# Needs $KOMSU_ROOT (the repository root) and lib/jdk.sh sourced first.
# Builds host (and kernels) when classes are missing or any source is newer than the stamp,
# then offers komsu_run_host MAIN_CLASS ARGS... which execs java on the built classes.

KOMSU_HOST_STAMP="$KOMSU_ROOT/host/target/.komsu-build-stamp"

komsu_host_is_stale() {
  [ -f "$KOMSU_HOST_STAMP" ] && [ -d "$KOMSU_ROOT/host/target/classes" ] && [ -d "$KOMSU_ROOT/host/target/lib" ] || return 0
  [ -n "$(find "$KOMSU_ROOT/pom.xml" "$KOMSU_ROOT/kernels/pom.xml" "$KOMSU_ROOT/host/pom.xml" \
          "$KOMSU_ROOT/kernels/src/main" "$KOMSU_ROOT/host/src/main" \
          -newer "$KOMSU_HOST_STAMP" -print -quit 2>/dev/null)" ]
}

komsu_build_host() {
  if komsu_host_is_stale; then
    echo "komsu: building the host module (first run or sources changed)..." >&2
    (cd "$KOMSU_ROOT" && mvn -B -q -ntp -pl host -am package -DskipTests) >&2 || {
      echo "komsu: build failed (mvn -B -q -ntp -pl host -am package -DskipTests in $KOMSU_ROOT)" >&2
      exit 1
    }
    touch "$KOMSU_HOST_STAMP"
  fi
}

komsu_run_host() {
  local main="$1"
  shift
  exec java "${KOMSU_JVM_ARGS[@]}" -cp "$KOMSU_ROOT/host/target/classes:$KOMSU_ROOT/host/target/lib/*" "$main" "$@"
}
