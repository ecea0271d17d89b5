package dev.komsu.bench.harness;

import dev.komsu.bench.data.Dataset;
import dev.komsu.bench.data.DatasetCatalog;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.cpu.FastScanSelection;
import dev.komsu.kernels.opencl.OpenClDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end benchmark ({@code scripts/bench}): komsu's backends and, with
 * {@code --compare-faiss}, Debian's faiss (or another faiss build) and, with {@code --jvector},
 * JVector on the same data and grid in one run, merged with the FAISS_REFERENCE.md (AVX2)
 * figures; {@code --replot DIR} only redraws a folder's plot ({@link Replot}). Writes to the
 * output folder: {@code komsu.jsonl}, {@code faiss.jsonl} and {@code jvector.jsonl} (as
 * measured, rewritten after every index string), {@code results.jsonl}
 * (all rows with ratios), {@code results.md} (the table), {@code recall-qps.png} (unless {@code --no-plot}),
 * {@code agreement.jsonl} (labels of each later backend against the first, see {@link LabelAgreement}) and
 * {@code run.json} (settings and notes). Exit code 0
 * when the run completed (individual configurations may still be error rows), 2 on bad
 * arguments, 1 on failure.
 */
public final class HarnessMain {
    private HarnessMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        Path home = Path.of(System.getProperty("komsu.home", ".")).toAbsolutePath().normalize();
        if (java.util.Arrays.asList(args).contains("--replot")) {
            replot(args);
            return;
        }
        HarnessOptions opts;
        try {
            opts = HarnessOptions.parse(args, home);
        } catch (HarnessOptions.UsageException e) {
            if (e.getMessage().equals(HarnessOptions.USAGE)) { // --help
                System.out.print(HarnessOptions.USAGE);
                System.exit(0);
            }
            System.err.println("bench: " + e.getMessage());
            System.err.print(HarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            run(opts);
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        } catch (IOException | RuntimeException | InterruptedException e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** {@code --replot DIR}: only redraws the plot, see {@link Replot}. */
    private static void replot(String[] args) {
        try {
            System.err.println("[bench] wrote " + Replot.run(args));
            System.exit(0);
        } catch (HarnessOptions.UsageException | IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void run(HarnessOptions opts) throws IOException, InterruptedException {
        Path home = opts.home();
        List<String> notes = new ArrayList<>();
        List<Backends.Kind> backends = usableBackends(opts, notes);
        DatasetCatalog catalog = new DatasetCatalog(opts.cache(), home.resolve("../shared/interop/make_datasets.py").normalize(),
                Path.of(System.getProperty("komsu.fashionMnistDir", "/usr/share/datasets/fashion-mnist")),
                Path.of(System.getProperty("komsu.python", "/usr/bin/python3")), opts.ownGroundTruth());
        DatasetCatalog.Subset subset = opts.quick()
                ? new DatasetCatalog.Subset(HarnessOptions.QUICK_BASE_ROWS, HarnessOptions.QUICK_QUERY_ROWS) : null;
        try (Dataset data = catalog.open(opts.dataset(), opts.base(), opts.queries(), subset)) {
            Files.createDirectories(opts.out());
            notes.addAll(0, data.notes());
            data.notes().forEach(n -> System.err.println("[bench] " + n));
            notes.add("komsu CPU FastScan kernel: " + FastScanSelection.PREFERRED.name()
                    + " (-D" + FastScanSelection.OVERRIDE + " overrides)");
            SearchGrid grid = opts.grid();
            LabelAgreement agreement = new LabelAgreement(Recall.DEPTH);
            KomsuRunner komsu = new KomsuRunner(data, grid, opts.runs(), Recall.DEPTH,
                    new SerializedSize(opts.out().resolve("scratch")), agreement);
            FaissRunner faiss = opts.compareFaiss()
                    ? new FaissRunner(home.resolve("scripts/compare-faiss"), opts.out().resolve("faiss-labels"), opts.runs(), Recall.DEPTH)
                    : null;
            if (faiss != null) {
                // Fails here, before the long komsu runs, when Debian's faiss cannot be imported.
                try {
                    notes.add("faiss side: " + faiss.buildInfo() + " via scripts/compare-faiss, faiss.omp_set_num_threads(T) and openblas_set_num_threads(T)");
                } catch (IOException e) {
                    throw new IllegalStateException("--compare-faiss: " + e.getMessage()
                            + "; it needs Debian's python3-faiss and python3-numpy for /usr/bin/python3", e);
                }
            }
            JVectorRunner jvector = opts.jvector() ? new JVectorRunner(data, grid, opts.runs(), Recall.DEPTH) : null;
            if (jvector != null && opts.factoriesFor(data.base().rows()).stream().noneMatch(f -> JVectorRunner.graphDegree(f) > 0)) {
                notes.add("--jvector: no HNSW{M} index string in this run, so no JVector rows");
            }
            List<ResultRow> komsuRows = new ArrayList<>();
            List<ResultRow> faissRows = new ArrayList<>();
            List<ResultRow> jvectorRows = new ArrayList<>();
            for (String factory : opts.factoriesFor(data.base().rows())) {
                for (Backends.Kind kind : backends) {
                    for (int t : opts.threads()) komsuRows.addAll(komsu.run(factory, kind, t));
                }
                writeJsonLines(opts.out().resolve("komsu.jsonl"), komsuRows, List.of(), null);
                if (faiss != null) {
                    faissRows.addAll(runFaiss(faiss, data, factory, grid, opts.threads()));
                    writeJsonLines(opts.out().resolve("faiss.jsonl"), faissRows, List.of(), null);
                }
                if (jvector != null && JVectorRunner.graphDegree(factory) > 0) {
                    for (int t : opts.threads()) jvectorRows.addAll(jvector.run(factory, t));
                    writeJsonLines(opts.out().resolve("jvector.jsonl"), jvectorRows, List.of(), null);
                }
            }
            Files.deleteIfExists(opts.out().resolve("scratch")); // emptied after every measurement
            writeAgreement(opts.out().resolve("agreement.jsonl"), agreement.results(), notes);
            List<ResultRow> otherRows = new ArrayList<>(faissRows); // tables, results.jsonl and the plot take both alike
            otherRows.addAll(jvectorRows);
            report(opts, data, notes, komsuRows, otherRows);
        }
    }

    private static List<ResultRow> runFaiss(FaissRunner faiss, Dataset data, String factory, SearchGrid grid, List<Integer> threads)
            throws InterruptedException {
        List<SearchGrid.Setting> settings = grid.settingsFor(factory);
        try {
            return faiss.run(data, factory, settings, threads);
        } catch (IOException e) {
            List<ResultRow> failed = new ArrayList<>();
            for (int t : threads) {
                for (SearchGrid.Setting s : settings) {
                    failed.add(ResultRow.failed(data.name(), "faiss", "faiss (scripts/compare-faiss)", "-", factory, s.label(), t,
                            Recall.DEPTH, e.getMessage()));
                }
            }
            return failed;
        }
    }

    private static void report(HarnessOptions opts, Dataset data, List<String> notes, List<ResultRow> komsuRows,
                               List<ResultRow> otherRows) throws IOException {
        List<ResultRow> reference = List.of();
        if (Files.exists(opts.faissReference())) {
            reference = ReferenceTable.read(opts.faissReference());
        } else {
            notes.add("FAISS_REFERENCE.md not found at " + opts.faissReference() + ": no reference rows");
        }
        if (opts.quick()) notes.add("--quick subset: FAISS_REFERENCE.md rows are for the whole dataset, not comparable");
        List<ResultRow> measured = new ArrayList<>(komsuRows);
        measured.addAll(otherRows);
        Comparison comparison = new Comparison(measured, opts.quick() ? List.of() : reference);
        String title = String.format(Locale.ROOT, "%s (N=%d, D=%d, nq=%d, k=10)%s", data.name(), data.base().rows(), data.dim(),
                data.queries().rows(), opts.quick() ? " — quick subset" : "");
        String table = MarkdownReport.render(title, notes, measured, comparison);
        Path md = opts.out().resolve("results.md");
        AtomicFiles.writeString(md, table);
        writeJsonLines(opts.out().resolve("results.jsonl"), measured, comparison.relevantReference(), comparison);
        List<ResultRow> plotted = new ArrayList<>(measured);
        plotted.addAll(comparison.relevantReference());
        Path png = opts.out().resolve("recall-qps.png");
        String cpu = opts.cpu() != null ? opts.cpu() : CpuModel.here().orElse(null);
        if (!opts.plot()) {
            png = null;
        } else if (plotted.stream().anyMatch(ResultRow::ok)) {
            RecallQpsPlot.write(png, title, cpu, plotted, opts.plotReference());
        }
        Map<String, Object> run = new java.util.LinkedHashMap<>();
        run.put("dataset", data.name());
        run.put("n", data.base().rows());
        run.put("d", data.dim());
        run.put("nq", data.queries().rows());
        run.put("factories", opts.factoriesFor(data.base().rows()));
        run.put("nprobe", opts.nprobes());
        run.put("k_factor", opts.kFactors());
        run.put("ef_search", opts.efSearches());
        run.put("jvector", opts.jvector());
        run.put("cpu", cpu);
        run.put("threads", opts.threads());
        run.put("runs", opts.runs());
        run.put("quick", opts.quick());
        run.put("plot", opts.plot());
        run.put("finished", java.time.Instant.now().toString());
        run.put("notes", notes);
        run.put("ratio_method", MatchedRecall.METHOD);
        AtomicFiles.writeString(opts.out().resolve("run.json"), Json.object(run) + "\n");
        System.out.println(table);
        System.err.println("[bench] wrote " + md + ", " + opts.out().resolve("results.jsonl") + (png == null ? "" : ", " + png));
    }

    /** agreement.jsonl (absent when only one backend ran) and one note per comparison, for results.md and run.json. */
    private static void writeAgreement(Path file, List<LabelAgreement.Result> results, List<String> notes) throws IOException {
        Files.deleteIfExists(file); // a rerun into the same folder must not show an older run's agreement
        if (results.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        for (LabelAgreement.Result r : results) {
            sb.append(Json.object(r.toFields())).append('\n');
            notes.add(r.describe());
            System.err.println("[bench] " + r.describe());
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Rows as JSON lines; komsu rows get their ratios when {@code comparison} is given. */
    private static void writeJsonLines(Path file, List<ResultRow> rows, List<ResultRow> extra, Comparison comparison)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ResultRow r : rows) {
            Map<String, ?> ratios = comparison != null && r.system().equals("komsu") ? comparison.ratiosFor(r).toFields() : Map.of();
            sb.append(Json.object(r.toFields(ratios))).append('\n');
        }
        for (ResultRow r : extra) sb.append(Json.object(r.toFields(Map.of()))).append('\n');
        AtomicFiles.writeString(file, sb.toString());
    }

    /**
     * The asked-for backends. OpenCL, when not asked for explicitly, runs only on a GPU: like
     * {@code Backends.select(AUTO)}, the default skips CPU OpenCL devices (PoCL), which are slower
     * than the cpu backend; {@code --backend cpu,opencl} runs them anyway.
     */
    private static List<Backends.Kind> usableBackends(HarnessOptions opts, List<String> notes) {
        List<Backends.Kind> out = new ArrayList<>();
        for (Backends.Kind kind : opts.backends()) {
            if (kind == Backends.Kind.OPENCL && !opts.backendsExplicit()) {
                OpenClDevices.Discovery found = OpenClDevices.discover();
                if (found.firstGpu().isEmpty()) {
                    notes.add("OpenCL backend not run: no OpenCL GPU (" + found.describe().strip().replace("\n", "; ")
                            + "); --backend cpu,opencl runs it on a CPU device");
                    continue;
                }
                notes.add("OpenCL backend on " + found.firstGpu().get().name());
            }
            out.add(kind);
        }
        return out;
    }
}
