package dev.komsu.kernels.cpu;

import dev.komsu.kernels.VectorLists;

/**
 * The probes of a batch inverted: for each list, the queries that probe it (ascending query
 * number; a query that names a list twice appears twice, as the scalar reference scans it
 * twice). Compressed-row layout: list {@code l}'s queries are
 * {@code members[start(l) .. start(l)+count(l))}.
 */
final class ProbeGroups {
    private final int[] start;
    private final int[] members;

    private ProbeGroups(int[] start, int[] members) {
        this.start = start;
        this.members = members;
    }

    /** Inverts {@code probes} ({@code nq x nprobe}, -1 = no list). */
    static ProbeGroups of(int[] probes, int nq, int listCount) {
        int nprobe = nq == 0 ? 0 : probes.length / nq;
        int[] start = new int[listCount + 1];
        for (int p : probes) if (p >= 0) start[p + 1]++;
        for (int l = 0; l < listCount; l++) start[l + 1] += start[l];
        int[] fill = start.clone();
        int[] members = new int[start[listCount]];
        for (int i = 0; i < nq; i++) {
            for (int j = 0; j < nprobe; j++) {
                int p = probes[i * nprobe + j];
                if (p >= 0) members[fill[p]++] = i;
            }
        }
        return new ProbeGroups(start, members);
    }

    int start(int list) {
        return start[list];
    }

    int count(int list) {
        return start[list + 1] - start[list];
    }

    int[] members() {
        return members;
    }

    /** Lists probed at least once, ascending. */
    int[] activeLists() {
        int n = 0;
        for (int l = 0; l + 1 < start.length; l++) if (count(l) > 0) n++;
        int[] out = new int[n];
        n = 0;
        for (int l = 0; l + 1 < start.length; l++) if (count(l) > 0) out[n++] = l;
        return out;
    }

    /**
     * Cuts {@code active} into {@code parts} runs of about equal work (rows x queries, plus the
     * rows themselves for the copy): run t is {@code active[cuts[t] .. cuts[t+1])}.
     */
    int[] balancedCuts(int[] active, VectorLists lists, int parts) {
        double[] cum = new double[active.length + 1];
        for (int a = 0; a < active.length; a++) {
            long rows = lists.size(active[a]);
            cum[a + 1] = cum[a] + (double) rows * (count(active[a]) + 1);
        }
        int[] cuts = new int[parts + 1];
        int a = 0;
        for (int t = 1; t < parts; t++) {
            double target = cum[active.length] * t / parts;
            while (a < active.length && cum[a] < target) a++;
            cuts[t] = Math.max(a, cuts[t - 1]);
        }
        cuts[parts] = active.length;
        return cuts;
    }
}
