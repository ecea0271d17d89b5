package dev.komsu.bench;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Transfers;
import java.util.Random;

/**
 * Host<->device bytes of one search batch per index type on the OpenCL backend (or any backend
 * named): builds each factory string over seeded Gaussian data, searches one batch to warm up
 * (programs, resident copies), then reads the backend's {@link Transfers} around a second batch
 * and prints them beside what the batch's queries and results alone take. Usage:
 * {@code DeviceTraffic [backend] [n] [d] [nq] [factory;factory...]}.
 */
public final class DeviceTraffic {
    private DeviceTraffic() {
    }

    public static void main(String[] args) {
        String backendName = args.length > 0 ? args[0] : "opencl";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int d = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int nq = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        String[] factories = (args.length > 4 ? args[4] : "IVF64,PQ16;IVF64,PQ16x4fs;IVF64,Flat;IVF64,SQ8;Flat").split(";");
        int k = 10;
        SearchParams params = SearchParams.builder().nprobe(8).build();
        try (ComputeBackend backend = Backends.select(backendName, 1);
             FloatMatrix base = gaussian(n, d, 1);
             FloatMatrix queries = gaussian(nq, d, 2)) {
            System.out.printf("backend %s, n=%d d=%d nq=%d k=%d nprobe=8%n", backend.name(), n, d, nq, k);
            System.out.printf("| index | host->device B/batch | device->host B/batch | queries B | results B |%n");
            System.out.printf("| --- | ---: | ---: | ---: | ---: |%n");
            for (String factory : factories) {
                try (Index index = IndexFactory.create(d, factory, Metric.L2, backend)) {
                    index.train(base);
                    index.add(base);
                    index.search(queries, k, params);
                    Transfers before = backend.transfers();
                    index.search(queries, k, params);
                    Transfers batch = backend.transfers().since(before);
                    System.out.printf("| %s | %d | %d | %d | %d |%n", factory, batch.hostToDevice(), batch.deviceToHost(),
                            (long) nq * d * Float.BYTES, (long) nq * k * (Float.BYTES + Long.BYTES));
                }
            }
        }
    }

    private static FloatMatrix gaussian(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return FloatMatrix.of(v, rows, cols);
    }
}
