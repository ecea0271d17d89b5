package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.Metric;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Every grammar form {@link IndexFactory} lists has a row in some {@link IndexTestCase}
 * subclass (found on the test class path, so a new family counts without being named here),
 * and every row is a factory string of the form it claims that the factory builds.
 */
class IndexFormsCoverageTest {
    private static List<IndexTestCase.Row> allRows() {
        List<IndexTestCase.Row> rows = new ArrayList<>();
        for (Class<?> c : ReflectionSupport.findAllClassesInPackage("dev.komsu",
                t -> IndexTestCase.class.isAssignableFrom(t) && !Modifier.isAbstract(t.getModifiers()), n -> true)) {
            rows.addAll(((IndexTestCase) ReflectionSupport.newInstance(c)).rows());
        }
        return rows;
    }

    /** The forms of {@code forms} that no row stands for. */
    static Set<String> uncovered(List<String> forms, List<IndexTestCase.Row> rows) {
        Set<String> missing = new TreeSet<>(forms);
        rows.forEach(r -> missing.remove(r.form()));
        return missing;
    }

    @Test
    void everyGrammarFormHasASuiteRow() {
        List<IndexTestCase.Row> rows = allRows();
        assertTrue(rows.size() >= IndexFactory.FORMS.size(), "rows found: " + rows.size());
        assertEquals(Set.of(), uncovered(IndexFactory.FORMS, rows), "grammar forms without a row in an IndexTestCase subclass");
    }

    @Test
    void aFormWithoutARowIsReported() {
        List<String> more = new ArrayList<>(IndexFactory.FORMS);
        more.add("IVF{n}_NSG{m},Flat");
        assertEquals(Set.of("IVF{n}_NSG{m},Flat"), uncovered(more, allRows()));
    }

    @Test
    void everyRowIsAFactoryStringOfItsFormThatTheFactoryBuilds() {
        for (IndexTestCase.Row r : allRows()) {
            assertTrue(IndexFactory.FORMS.contains(r.form()), r + ": '" + r.form() + "' is not in IndexFactory.FORMS");
            assertTrue(r.factory().matches(Grammar.pattern(r.form())), r + " is not of the form " + r.form());
            try (Index index = IndexFactory.create(IndexTestCase.D, r.factory(), r.metric())) {
                assertEquals(r.metric(), index.metric());
            }
        }
    }

    @Test
    void formPatternsMatchTheirOwnStringsOnly() {
        assertTrue("IVF16,PQ8x4".matches(Grammar.pattern("IVF{n},PQ{m}x{nbits}")));
        assertFalse("IVF16,PQ8x4fs".matches(Grammar.pattern("IVF{n},PQ{m}x{nbits}")));
        assertFalse("IVF16,PQ8".matches(Grammar.pattern("IVF{n},PQ{m}x{nbits}")));
        assertTrue("IDMap2,IVF4,SQ8".matches(Grammar.pattern("IDMap2,{index}")));
        assertFalse("IDMap2,IVF4,SQ8".matches(Grammar.pattern("IDMap,{index}")));
        assertEquals(Metric.L2, IndexTestCase.row("Flat", "Flat", Metric.L2).metric());
    }
}
