package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchGridTest {
    private final SearchGrid grid = new SearchGrid(List.of(1, 16), List.of(4.0, 2.5));

    private List<String> labels(String factory) {
        return grid.settingsFor(factory).stream().map(SearchGrid.Setting::label).toList();
    }

    @Test
    void flatHasOneDefaultSetting() {
        assertEquals(List.of("-"), labels("Flat"));
    }

    @Test
    void ivfVariesNprobeOnly() {
        assertEquals(List.of("nprobe=1", "nprobe=16"), labels("IVF1024,Flat"));
        assertEquals(List.of("nprobe=1", "nprobe=16"), labels("L2norm,IVF64,SQ8"));
    }

    @Test
    void refinedIvfVariesBothInReferenceSpelling() {
        assertEquals(List.of("nprobe=1 k_factor=4", "nprobe=1 k_factor=2.5", "nprobe=16 k_factor=4", "nprobe=16 k_factor=2.5"),
                labels("IVF1024,PQ128x4fs,RFlat"));
    }

    @Test
    void hnswVariesEfSearchOnly() {
        SearchGrid g = new SearchGrid(List.of(1, 16), List.of(4.0), List.of(16, 64));
        assertEquals(List.of("efSearch=16", "efSearch=64"), g.settingsFor("HNSW32").stream().map(SearchGrid.Setting::label).toList());
        assertEquals(List.of("efSearch=16", "efSearch=64"), g.settingsFor("HNSW16,Flat").stream().map(SearchGrid.Setting::label).toList());
        assertEquals(64, g.settingsFor("HNSW32").get(1).toParams().efSearch());
    }

    @Test
    void anHnswCoarseQuantiserIsNotSearchedByEfSearch() {
        // IVF1024_HNSW32: the graph only picks lists; faiss calls its knob quantizer_efSearch
        assertEquals(List.of("nprobe=1", "nprobe=16"), labels("IVF64_HNSW32,Flat"));
    }

    @Test
    void defaultEfSearchGridStartsAtFaisssDefault() {
        assertEquals(SearchGrid.DEFAULT_EF_SEARCH, grid.efSearches());
        assertEquals(16, grid.settingsFor("HNSW32").getFirst().efSearch());
    }

    @Test
    void settingsBecomeSearchParams() {
        var p = grid.settingsFor("IVF8,PQ4,RFlat").get(1).toParams();
        assertEquals(1, p.nprobe());
        assertEquals(2.5f, p.kFactor());
        assertEquals(0, new SearchGrid.Setting(0, 0).toParams().nprobe(), "unset: the index's own");
    }

    @Test
    void rejectsEmptyOrNonPositiveValues() {
        assertThrows(IllegalArgumentException.class, () -> new SearchGrid(List.of(), List.of(1.0)));
        assertThrows(IllegalArgumentException.class, () -> new SearchGrid(List.of(0), List.of(1.0)));
        assertThrows(IllegalArgumentException.class, () -> new SearchGrid(List.of(1), List.of(0.5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SearchGrid(List.of(1), List.of(1.0), List.of(0)));
        assertEquals("--ef-search values must be > 0, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SearchGrid(List.of(1), List.of(1.0), List.of()));
    }
}
