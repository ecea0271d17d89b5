package dev.komsu.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of a {@code .npy} file (NumPy format versions 1.0, 2.0 and 3.0): element type,
 * shape, and where the data starts. Only C-order little-endian arrays of an {@link NpyDtype}
 * are accepted; anything else fails with an {@link NpyFormatException} that says why.
 *
 * <p>Layout (numpy/lib/format.py): the magic {@code \x93NUMPY}, major and minor version bytes,
 * the header length (2 bytes in v1, 4 in v2 and v3, little-endian), then a Python dict literal
 * such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (5000, 256), }} padded with
 * spaces and a newline so the data starts on a 64-byte boundary. v3 only differs in allowing
 * UTF-8 in the dict.
 */
public record NpyHeader(NpyDtype dtype, long[] shape, long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data to 64 bytes (format.ARRAY_ALIGN) so it can be memory-mapped. */
    private static final int ALIGN = 64;
    /** Far above what a dict of three keys needs; numpy itself refuses headers over 10000 bytes by default. */
    private static final long MAX_HEADER = 1 << 20;

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (the product of the shape; 1 for a 0-d array). */
    public long count() {
        long n = 1;
        for (long s : shape) n *= s; // overflow excluded when the header was parsed or made
        return n;
    }

    /** Bytes of array data after the header. */
    public long dataBytes() {
        return count() * dtype.size();
    }

    public int ndim() {
        return shape.length;
    }

    /** The shape as NumPy prints it, e.g. {@code (5000, 256)}. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(", ");
            b.append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * Reads and checks the header of {@code file} from {@code channel} (positioned anywhere),
     * including that the file holds exactly the data the header announces.
     */
    static NpyHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        ByteBuffer fixed = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        int got = readFully(channel, fixed, 0);
        if (got < 10 || !Arrays.equals(Arrays.copyOf(fixed.array(), 6), MAGIC)) {
            throw new NpyFormatException(file, "not a .npy file: it does not start with the magic \\x93NUMPY"
                    + " followed by a version and header length (" + fileSize + " bytes)");
        }
        int major = fixed.get(6) & 0xff;
        int minor = fixed.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new NpyFormatException(file, "unsupported .npy format version " + major + "." + minor
                    + ": expected 1.0, 2.0 or 3.0");
        }
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = fixed.getShort(8) & 0xffff;
            prefix = 10;
        } else {
            if (got < 12) throw new NpyFormatException(file, "truncated header: " + fileSize + " bytes");
            headerLength = fixed.getInt(8) & 0xffffffffL;
            prefix = 12;
        }
        if (headerLength > MAX_HEADER) {
            throw new NpyFormatException(file, "corrupt header: it announces " + headerLength
                    + " header bytes, more than the " + MAX_HEADER + " any real .npy header needs");
        }
        long dataOffset = prefix + headerLength;
        if (dataOffset > fileSize) {
            throw new NpyFormatException(file, "truncated header: it announces " + headerLength
                    + " header bytes but the file has only " + fileSize + " bytes");
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        readFully(channel, text, prefix);
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = parseDict(file, dict, dataOffset);
        long expected = dataOffset + h.dataBytes();
        if (fileSize < expected) {
            throw new NpyFormatException(file, "truncated data: shape " + h.shapeString() + " of " + h.dtype
                    + " needs " + h.dataBytes() + " bytes after the " + dataOffset + "-byte header, the file has "
                    + (fileSize - dataOffset));
        }
        if (fileSize > expected) {
            throw new NpyFormatException(file, (fileSize - expected) + " unexpected bytes after the data of shape "
                    + h.shapeString() + " of " + h.dtype + " (file of " + fileSize + " bytes, expected " + expected + ")");
        }
        return h;
    }

    private static int readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + total);
            if (n < 0) break;
            total += n;
        }
        return total;
    }

    private static NpyHeader parseDict(Path file, String dict, long dataOffset) throws NpyFormatException {
        DictParser p = new DictParser(file, dict);
        Object descr = null;
        Boolean fortran = null;
        long[] shape = null;
        p.expect('{');
        while (!p.tryConsume('}')) {
            String key = p.string();
            p.expect(':');
            switch (key) {
                case "descr" -> descr = p.value();
                case "fortran_order" -> fortran = p.bool();
                case "shape" -> shape = p.tuple();
                default -> throw p.error("unknown header key '" + key + "'");
            }
            if (!p.tryConsume(',')) {
                p.expect('}');
                break;
            }
        }
        p.expectEnd();
        if (descr == null || fortran == null || shape == null) {
            throw new NpyFormatException(file, "corrupt header: it must hold 'descr', 'fortran_order' and 'shape': " + dict.strip());
        }
        NpyDtype dtype = dtypeOf(file, descr);
        long count = 1;
        for (long s : shape) {
            try {
                count = Math.multiplyExact(count, s);
                Math.multiplyExact(count, (long) dtype.size());
            } catch (ArithmeticException e) {
                throw new NpyFormatException(file, "corrupt header: shape " + shapeString(shape) + " is too large");
            }
        }
        long notOne = Arrays.stream(shape).filter(s -> s > 1).count();
        if (fortran && notOne > 1) {
            throw new NpyFormatException(file, "Fortran-order (column-major) array of shape " + shapeString(shape)
                    + " is not supported: save it in C order (numpy.ascontiguousarray)");
        }
        return new NpyHeader(dtype, shape, dataOffset);
    }

    private static NpyDtype dtypeOf(Path file, Object descr) throws NpyFormatException {
        if (!(descr instanceof String s)) {
            throw new NpyFormatException(file, "structured (record) arrays are not supported: descr " + descr);
        }
        NpyDtype t = NpyDtype.fromDescr(s);
        if (t != null) return t;
        if (s.contains("O")) {
            throw new NpyFormatException(file, "object arrays (descr '" + s + "', pickled Python objects) are not supported");
        }
        if (s.startsWith(">")) {
            throw new NpyFormatException(file, "big-endian data (descr '" + s + "') is not supported: "
                    + "convert with arr.astype(arr.dtype.newbyteorder('<'))");
        }
        throw new NpyFormatException(file, "unsupported dtype '" + s + "': expected one of " + Arrays.toString(
                Arrays.stream(NpyDtype.values()).map(NpyDtype::descr).toArray()));
    }

    /** The header bytes of a new file (v1, or v2 when the dict does not fit in 65535 bytes). */
    static byte[] encode(NpyDtype dtype, long[] shape) {
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        int prefix = 10;
        int total = (prefix + dict.length() + 1 + ALIGN - 1) / ALIGN * ALIGN;
        int major = 1;
        if (total - prefix > 0xffff) {
            major = 2;
            prefix = 12;
            total = (prefix + dict.length() + 1 + ALIGN - 1) / ALIGN * ALIGN;
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) (total - prefix));
        else b.putInt(total - prefix);
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (b.remaining() > 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    /** A tiny parser for the Python literals numpy writes in headers: strings, booleans, int tuples. */
    private static final class DictParser {
        private final Path file;
        private final String s;
        private int pos;

        DictParser(Path file, String s) {
            this.file = file;
            this.s = s;
        }

        NpyFormatException error(String what) {
            return new NpyFormatException(file, "corrupt header at character " + pos + ": " + what + " in " + s.strip());
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        boolean tryConsume(char c) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char c) throws NpyFormatException {
            if (!tryConsume(c)) throw error("expected '" + c + "'");
        }

        void expectEnd() throws NpyFormatException {
            skipSpace();
            if (pos != s.length()) throw error("unexpected text after the dict");
        }

        String string() throws NpyFormatException {
            skipSpace();
            if (pos >= s.length() || (s.charAt(pos) != '\'' && s.charAt(pos) != '"')) throw error("expected a quoted string");
            char q = s.charAt(pos++);
            int end = s.indexOf(q, pos);
            if (end < 0) throw error("unterminated string");
            String out = s.substring(pos, end);
            pos = end + 1;
            return out;
        }

        /** A string, or a list (structured dtype) returned as its source text. */
        Object value() throws NpyFormatException {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '[') {
                int end = s.indexOf(']', pos);
                if (end < 0) throw error("unterminated list");
                String out = s.substring(pos, end + 1);
                pos = end + 1;
                return List.of(out);
            }
            return string();
        }

        boolean bool() throws NpyFormatException {
            skipSpace();
            if (s.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw error("expected True or False");
        }

        long[] tuple() throws NpyFormatException {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (!tryConsume(')')) {
                skipSpace();
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                if (start == pos) throw error("expected a non-negative integer dimension");
                try {
                    dims.add(Long.parseLong(s.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw error("dimension " + s.substring(start, pos) + " is too large");
                }
                tryConsume('L'); // Python 2 long literals, as in files from old numpy
                if (!tryConsume(',')) {
                    expect(')');
                    break;
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }
    }
}
