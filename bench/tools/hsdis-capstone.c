/*
 * A minimal HotSpot disassembler plugin over the capstone library, to read the code C2
 * generates for the Vector API kernels (-XX:+PrintAssembly / -XX:CompileCommand=print,...).
 * Debian's libhsdis0-fcml exports only the pre-JDK-9 entry point, which current HotSpot does
 * not call. Local inspection only; not shipped. Build and use: see bench/tools/README.md.
 */
#include <capstone/capstone.h>
#include <stdint.h>

typedef void *(*hsdis_event_callback)(void *stream, const char *event, void *arg);
typedef int (*hsdis_printf_callback)(void *stream, const char *format, ...);

/* The entry point HotSpot looks up: disassemble [start_va, end_va) held in buffer. */
void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  hsdis_event_callback event, void *event_stream,
                                  hsdis_printf_callback print, void *print_stream,
                                  const char *options, int newline) {
    (void) end_va;
    (void) options;
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return NULL;
    cs_insn *insns;
    size_t count = cs_disasm(handle, buffer, length, start_va, 0, &insns);
    for (size_t i = 0; i < count; i++) {
        /* HotSpot prints addresses and comments around each instruction from these events */
        if (event) event(event_stream, "insn", (void *) (uintptr_t) insns[i].address);
        print(print_stream, "%s %s", insns[i].mnemonic, insns[i].op_str);
        if (event) event(event_stream, "/insn", (void *) (uintptr_t) (insns[i].address + insns[i].size));
        if (newline) print(print_stream, "\n");
    }
    if (count > 0) cs_free(insns, count);
    cs_close(&handle);
    return (void *) (uintptr_t) (start_va + length);
}
