package org.lws4j.group.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One group message as it travels through the broker: everything in the message body, so that
 * channel and subject names are only for people watching the broker (Redis {@code MONITOR}, NATS
 * {@code nats sub}); names that cannot be in a subject need no escaping to arrive intact.
 *
 * <pre>
 * byte    'L'           magic
 * byte    1             format version
 * byte    flags         bit 0: binary (else text)
 * 16 bytes node id      the sender's random id (a new one at every start)
 * long    sequence      per sender, from 1: a gap says how many messages this node missed
 * short   vhost length  then the vhost name in UTF-8
 * short   group length  then the group name in UTF-8
 * rest    payload       the message, byte for byte
 * </pre>
 *
 * Big-endian, as {@link ByteBuffer} writes. Immutable.
 *
 * @param node the sender's node id
 * @param sequence the sender's sequence number
 * @param vhost the vhost the group is on
 * @param group the group's name
 * @param binary the message's WebSocket opcode: binary, else text
 * @param payload the message (a view of the received bytes: position 0 to limit)
 */
public record GroupFrame(UUID node, long sequence, String vhost, String group, boolean binary, ByteBuffer payload) {
    static final byte MAGIC = 'L';
    static final byte VERSION = 1;
    private static final int HEAD = 3 + 16 + 8 + 2 + 2;
    /** Longest vhost or group name, in UTF-8 bytes. */
    public static final int MAX_NAME = 0xFFFF;

    /**
     * Encodes a message; {@code payload} is read from its position to its limit and left unchanged.
     *
     * @throws IllegalArgumentException when a name is longer than {@value #MAX_NAME} UTF-8 bytes
     */
    public static byte[] encode(UUID node, long sequence, String vhost, String group, boolean binary, ByteBuffer payload) {
        byte[] v = name(vhost, "vhost");
        byte[] g = name(group, "group");
        ByteBuffer p = payload.duplicate();
        ByteBuffer out = ByteBuffer.allocate(HEAD + v.length + g.length + p.remaining());
        out.put(MAGIC).put(VERSION).put((byte) (binary ? 1 : 0));
        out.putLong(node.getMostSignificantBits()).putLong(node.getLeastSignificantBits());
        out.putLong(sequence);
        out.putShort((short) v.length).put(v);
        out.putShort((short) g.length).put(g);
        out.put(p);
        return out.array();
    }

    private static byte[] name(String s, String what) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_NAME) {
            throw new IllegalArgumentException(what + " name of " + b.length + " bytes (at most " + MAX_NAME + ")");
        }
        return b;
    }

    /**
     * Decodes what {@link #encode} made.
     *
     * @throws IllegalArgumentException saying what is wrong, for anything else (another program
     *     publishing under the same prefix, a newer format)
     */
    public static GroupFrame decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < HEAD) {
            throw new IllegalArgumentException("too short (" + bytes.length + " bytes) for an lws4j group message");
        }
        if (in.get() != MAGIC) {
            throw new IllegalArgumentException("not an lws4j group message (first byte 0x"
                    + Integer.toHexString(bytes[0] & 0xFF) + ")");
        }
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("group message format " + version + " (this node reads " + VERSION + ")");
        }
        boolean binary = (in.get() & 1) != 0;
        UUID node = new UUID(in.getLong(), in.getLong());
        long sequence = in.getLong();
        String vhost = string(in, "vhost");
        String group = string(in, "group");
        return new GroupFrame(node, sequence, vhost, group, binary, in.slice());
    }

    private static String string(ByteBuffer in, String what) {
        if (in.remaining() < 2) {
            throw new IllegalArgumentException("truncated before the " + what + " name");
        }
        int len = in.getShort() & 0xFFFF;
        if (in.remaining() < len) {
            throw new IllegalArgumentException("truncated in the " + what + " name (" + len + " bytes announced, "
                    + in.remaining() + " left)");
        }
        String s = new String(in.array(), in.position(), len, StandardCharsets.UTF_8);
        in.position(in.position() + len);
        return s;
    }
}
