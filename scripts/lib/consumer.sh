#!/usr/bin/env bash
# Builds examples/consumer against the installed komsu-core (by coordinates, as a Maven user
# would) and runs it twice: with the Vector API (--add-modules jdk.incubator.vector) and without
# it (the scalar backend, one warning), then once more with komsu on the module path (its JPMS
# descriptors: exports, service providers). Every run must succeed and return the same labels.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/jdk.sh"
root=$(cd "$here/../.." && pwd)
consumer="$root/examples/consumer"
mvn -B -ntp -q -f "$consumer/pom.xml" package
cp="$consumer/target/classes:$(cat "$consumer/target/classpath.txt")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "consumer, with the Vector API:"
java --add-modules jdk.incubator.vector -cp "$cp" example.Consumer "$work" "$work/vector.npy" 2>&1
echo "consumer, without it:"
java -cp "$cp" example.Consumer "$work" "$work/scalar.npy" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
cat "$work/stderr"
grep -q -- "--add-modules jdk.incubator.vector" "$work/stderr" || {
  echo "consumer: the run without the Vector API did not warn naming --add-modules jdk.incubator.vector" >&2
  exit 1
}
echo "consumer, komsu on the module path:"
java --module-path "$(cat "$consumer/target/classpath.txt")" --add-modules dev.komsu,jdk.incubator.vector \
  -cp "$consumer/target/classes" example.Consumer "$work" "$work/modules.npy" 2>&1
for run in scalar modules; do
  if ! cmp -s "$work/vector.npy" "$work/$run.npy"; then
    echo "consumer: labels differ between the class-path Vector API run and the $run run" >&2
    exit 1
  fi
done
echo "consumer: same labels with and without the Vector API, and on the module path"
