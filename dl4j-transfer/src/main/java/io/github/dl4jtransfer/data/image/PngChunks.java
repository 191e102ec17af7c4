package io.github.dl4jtransfer.data.image;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The CRC of every PNG chunk. javax.imageio does not check them, and a damaged byte inside the compressed pixel data
 * can still inflate to an image (wrong pixels, no error); the chunk's CRC tells.
 */
final class PngChunks {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngChunks() {
    }

    /** Null when {@code file} is not a PNG or all its chunks' CRCs hold; else which chunk is damaged. */
    static String crcProblem(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            byte[] sig = in.readNBytes(8);
            if (!java.util.Arrays.equals(sig, SIGNATURE)) return null;
            long offset = 8;
            byte[] buf = new byte[1 << 16];
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    return "truncated PNG (ends after offset " + offset + " without an IEND chunk)";
                }
                if (length < 0) return "damaged PNG (chunk length " + Integer.toUnsignedString(length) + " at offset " + offset + ")";
                byte[] type = in.readNBytes(4);
                if (type.length < 4) return "truncated PNG (chunk header at offset " + offset + ")";
                CRC32 crc = new CRC32();
                crc.update(type);
                for (int left = length; left > 0; ) {
                    int n = in.read(buf, 0, Math.min(buf.length, left));
                    if (n < 0) return "truncated PNG (chunk " + name(type) + " at offset " + offset + " claims " + length + " bytes)";
                    crc.update(buf, 0, n);
                    left -= n;
                }
                byte[] stored = in.readNBytes(4);
                if (stored.length < 4) return "truncated PNG (chunk " + name(type) + " at offset " + offset + " has no CRC)";
                long expected = ((stored[0] & 0xffL) << 24) | ((stored[1] & 0xffL) << 16) | ((stored[2] & 0xffL) << 8) | (stored[3] & 0xffL);
                if (crc.getValue() != expected) return "damaged PNG (CRC mismatch in chunk " + name(type) + " at offset " + offset + ")";
                if (name(type).equals("IEND")) return null;
                offset += 12L + length;
            }
        }
    }

    private static String name(byte[] type) {
        return new String(type, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
