package dev.komsu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.index.FlatCodesIndex;
import dev.komsu.index.FlatIndex;
import dev.komsu.index.IdMapIndex;
import dev.komsu.index.IvfIndex;
import dev.komsu.index.PqCodec;
import dev.komsu.index.RefineFlatIndex;
import dev.komsu.index.Sq8Codec;
import dev.komsu.kernels.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexFactoryQuantizedTest {
    @Test
    void pqAndSq8TokensBuildTheirCodecs() {
        try (Index i = IndexFactory.create(64, "IVF32,PQ16", Metric.L2)) {
            PqCodec c = (PqCodec) ((IvfIndex) i).codec();
            assertEquals(16, c.productQuantizer().m());
            assertEquals(8, c.productQuantizer().nbits());
            assertTrue(c.byResidual());
        }
        try (Index i = IndexFactory.create(64, "IVF32,PQ16x4", Metric.L2)) {
            assertEquals(4, ((PqCodec) ((IvfIndex) i).codec()).productQuantizer().nbits());
            assertEquals(8, ((IvfIndex) i).codec().codeSize());
        }
        try (Index i = IndexFactory.create(64, "PQ8", Metric.INNER_PRODUCT)) {
            PqCodec c = (PqCodec) ((FlatCodesIndex) i).codec();
            assertEquals(false, c.byResidual());
        }
        try (Index i = IndexFactory.create(64, "IVF8,SQ8", Metric.L2)) {
            assertTrue(((Sq8Codec) ((IvfIndex) i).codec()).byResidual());
        }
        try (Index i = IndexFactory.create(64, "SQ8", Metric.L2)) {
            assertInstanceOf(Sq8Codec.class, ((FlatCodesIndex) i).codec());
        }
    }

    @Test
    void rflatWrapsTheCoreAndPrefixesStillWork() {
        try (Index i = IndexFactory.create(64, "IVF32,PQ16,RFlat", Metric.L2)) {
            assertInstanceOf(IvfIndex.class, ((RefineFlatIndex) i).base());
        }
        try (Index i = IndexFactory.create(64, "Flat,RFlat", Metric.L2)) {
            assertInstanceOf(FlatIndex.class, ((RefineFlatIndex) i).base());
        }
        try (Index i = IndexFactory.create(64, "IDMap,SQ8", Metric.L2)) {
            assertInstanceOf(IdMapIndex.class, i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PQ16x4fz", "IVF8,PQ16x5", "IVF8,SQ4", "PQx8", "IVF8,PQ0", "IVF8,PQ16,RFlat,Flat", "RFlat"})
    void unknownOrMalformedTokensNameTheTokenAndTheGrammar(String factory) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexFactory.create(64, factory, Metric.L2));
        assertTrue(e.getMessage().contains(IndexFactory.GRAMMAR), e.getMessage());
        assertTrue(e.getMessage().contains("'"), e.getMessage());
    }

    @Test
    void subQuantizerCountMustDivideTheDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexFactory.create(60, "IVF8,PQ16", Metric.L2));
        assertTrue(e.getMessage().contains("d=60") && e.getMessage().contains("M=16"), e.getMessage());
    }
}
