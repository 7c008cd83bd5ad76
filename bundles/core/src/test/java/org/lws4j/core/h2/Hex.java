package org.lws4j.core.h2;

import java.nio.ByteBuffer;

/** Hex dumps as the RFCs print them (spaces and line breaks ignored), for tests. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        String s = hex.replaceAll("\\s", "");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(bytes(hex));
    }

    static String of(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    static String of(BlockBuffer b) {
        return of(b.toArray());
    }
}
