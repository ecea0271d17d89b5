#!/usr/bin/env python3
"""Where a JFR recording's CPU samples went: the share of execution samples whose stack holds
each of a few komsu steps (inclusive), and the hottest top frames (self). Only samples
inside IvfIndex.searchUnguarded count (not the index's build, nor separately timed steps).
Reads the output of `jfr print --stack-depth 64 --events jdk.ExecutionSample REC.jfr` on stdin.

Usage: jfr print --stack-depth 64 --events jdk.ExecutionSample rec.jfr | python3 bench/scripts/jfr_split.py [TOP]
"""
import re
import sys
from collections import Counter

# Step name -> frame substring; a sample counts for every step found in its stack.
STEPS = [
    ("coarse step (CpuBackend.knn)", "CpuBackend.knn("),
    ("  coarse: dense chunk", "CpuBackend.denseChunk"),
    ("  coarse: pruned chunk", "CpuBackend.prunedChunk"),
    ("  coarse: query projection", "QueryProjection.project"),
    ("  coarse: exact re-check (DenseRefine.refine)", "DenseRefine.refine"),
    ("list step (CpuBackend.scanListsChunk)", "CpuBackend.scanListsChunk"),
    ("  lists: probe grouping (ProbeGroups)", "ProbeGroups."),
    ("  lists: query packing (QueryGroups)", "QueryGroups."),
    ("any: lane kernels", "LaneKernels."),
    ("any: block copy / centring (BlockScanner.scan self)", None),
    ("any: top-k offers (TopK.offer)", "TopK.offer"),
    ("any: top-k drain (TopK.drainTo)", "TopK.drainTo"),
    ("any: query copies (FloatMatrix.toArray)", "FloatMatrix.toArray"),
    ("coarse labels -> probes (QueryChunks.probes)", "QueryChunks.probes"),
]


def samples(lines):
    stack, inside = [], False
    for line in lines:
        s = line.strip()
        if s.startswith("stackTrace = ["):
            stack, inside = [], True
        elif inside and s == "]":
            inside = False
            yield stack
        elif inside and s and s != "...":
            stack.append(re.sub(r"\s+line:.*$", "", s))


def main():
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    steps, self_frames, n = Counter(), Counter(), 0
    for stack in samples(sys.stdin):
        if not any("IvfIndex.searchUnguarded" in f for f in stack):
            continue
        n += 1
        self_frames[stack[0].split("(")[0]] += 1
        for name, marker in STEPS:
            if marker is None:
                hit = stack[0].startswith("dev.komsu.kernels.cpu.BlockScanner.scan(") or "MemorySegment.copy" in stack[0] \
                    or "ScopedMemoryAccess.copyMemory" in stack[0] or "BlockScanner.centreBlock" in stack[0]
            else:
                hit = any(marker in f for f in stack)
            if hit:
                steps[name] += 1
    print(f"{n} execution samples in IvfIndex.searchUnguarded")
    for name, _ in STEPS:
        print(f"{100.0 * steps[name] / max(n, 1):6.1f}%  {name}")
    print("top frames (self):")
    for frame, c in self_frames.most_common(top):
        print(f"{100.0 * c / n:6.1f}%  {frame}")


if __name__ == "__main__":
    main()
