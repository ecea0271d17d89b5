package dev.komsu.kernels.cpu;

import dev.komsu.kernels.scalar.ScalarFastScan;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FastScanSelectionTest {
    /**
     * The flags line of an Intel Xeon (Ice Lake-SP, family 6 model 106) as Linux prints it:
     * VBMI is {@code avx512vbmi}, its successor {@code avx512_vbmi2}.
     */
    static final String XEON_VBMI_FLAGS = "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat"
            + " pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art"
            + " arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor"
            + " ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt"
            + " tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3"
            + " invpcid_single ssbd mba ibrs ibpb stibp ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad"
            + " fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a avx512f avx512dq rdseed adx smap"
            + " avx512ifma clflushopt clwb intel_pt avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves"
            + " cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local wbnoinvd dtherm ida arat pln pts hwp hwp_act_window"
            + " hwp_epp hwp_pkg_req avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni"
            + " avx512_bitalg tme avx512_vpopcntdq rdpid md_clear pconfig flush_l1d arch_capabilities\n";

    /** The flags line of the AVX2-only AMD EPYC (family 25 model 1, under KVM) these tests ran on. */
    static final String EPYC_AVX2_FLAGS = "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat"
            + " pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good"
            + " nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1"
            + " sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy"
            + " cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext cpuid_fault vmmcall fsgsbase tsc_adjust"
            + " bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves"
            + " clzero xsaveerptr arat umip vaes vpclmulqdq rdpid fsrm\n";

    @Test
    void neverPicksAKernelWiderThanTheHardwareVectors() {
        assertSame(VectorFastScan128.INSTANCE, FastScanSelection.choose(128, true));
        assertSame(ScalarFastScan.INSTANCE, FastScanSelection.choose(64, true));
        assertSame(ScalarFastScan.INSTANCE, FastScanSelection.choose(64, false));
    }

    @Test
    void picksThe256BitLookupKernelWithAByteWidePermuteWhateverTheVectorSize() {
        // 512-bit vectors with VBMI still get vector256: measured faster end to end (issue 13).
        assertSame(VectorFastScan256.INSTANCE, FastScanSelection.choose(512, true));
        assertSame(VectorFastScan256.INSTANCE, FastScanSelection.choose(256, true));
        assertSame(VectorFastScanWideSums.INSTANCE, FastScanSelection.choose(512, false));
        assertSame(VectorFastScanWideSums.INSTANCE, FastScanSelection.choose(256, false));
    }

    @Test
    void theOverridePropertyNamesAKernelAndRejectsUnknownNames() {
        assertSame(VectorFastScan128.INSTANCE, FastScanSelection.preferred("vector128"));
        assertSame(VectorFastScan512.INSTANCE, FastScanSelection.preferred("vector512"));
        assertSame(ScalarFastScan.INSTANCE, FastScanSelection.preferred(" scalar "));
        assertSame(FastScanSelection.preferred(null), FastScanSelection.preferred(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastScanSelection.preferred("avx9"));
        assertTrue(e.getMessage().contains("avx9"), e.getMessage());
    }

    @Test
    void findsVbmiInARealXeonFlagsLineAsLinuxSpellsIt() {
        assertTrue(FastScanSelection.hasVbmiFlag("processor\t: 0\nvendor_id\t: GenuineIntel\n" + XEON_VBMI_FLAGS + "bugs\t\t: spectre_v1\n"));
    }

    @Test
    void findsNoVbmiInARealAvx2EpycFlagsLine() {
        assertFalse(FastScanSelection.hasVbmiFlag("processor\t: 0\nvendor_id\t: AuthenticAMD\n" + EPYC_AVX2_FLAGS));
    }

    @Test
    void vbmi2AloneIsNotVbmi() {
        String vbmi2Only = XEON_VBMI_FLAGS.replace(" avx512vbmi ", " ");
        assertTrue(vbmi2Only.contains("avx512_vbmi2") && !vbmi2Only.equals(XEON_VBMI_FLAGS), "test setup");
        assertFalse(FastScanSelection.hasVbmiFlag(vbmi2Only));
    }

    @Test
    void readsOnlyTheFlagsLine() {
        assertFalse(FastScanSelection.hasVbmiFlag("bugs\t\t: avx512vbmi\n"));
        assertFalse(FastScanSelection.hasVbmiFlag("vmx flags\t: avx512vbmi\n"));
        assertFalse(FastScanSelection.hasVbmiFlag("flags\t\t: avx512vbmix avx512_vbmi\n"));
    }
}
