package org.lws4j.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Client addresses the metrics mount answers: IPv4 and IPv6 addresses and CIDR blocks
 * ("127.0.0.0/8, ::1, 10.0.0.0/8"); everyone else gets 403. "*" allows everyone. Only literal
 * addresses: a host name would need a lookup, and is refused. Immutable.
 */
public final class AllowList {
    private record Block(byte[] prefix, int bits) {
        boolean matches(byte[] a) {
            if (a.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (prefix[full] & mask);
        }
    }

    private final List<Block> blocks;
    private final boolean everyone;
    private final String text;

    private AllowList(List<Block> blocks, boolean everyone, String text) {
        this.blocks = blocks;
        this.everyone = everyone;
        this.text = text;
    }

    /** Parses a comma- or space-separated list; throws IllegalArgumentException naming a bad entry. */
    public static AllowList parse(String list) {
        List<Block> blocks = new ArrayList<>();
        boolean all = false;
        for (String e : MetricsOptions.split(list)) {
            if (e.equals("*")) {
                all = true;
                continue;
            }
            int slash = e.indexOf('/');
            String addr = slash < 0 ? e : e.substring(0, slash);
            byte[] a = literal(addr);
            if (a == null) {
                throw new IllegalArgumentException("\"" + e + "\" is not an IP address or CIDR block");
            }
            int bits = a.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException x) {
                    bits = -1;
                }
                if (bits < 0 || bits > a.length * 8) {
                    throw new IllegalArgumentException("\"" + e + "\": bad prefix length");
                }
            }
            blocks.add(new Block(a, bits));
        }
        return new AllowList(List.copyOf(blocks), all, String.join(", ", MetricsOptions.split(list)));
    }

    /** True when {@code client} may read the metrics (an IPv4-mapped IPv6 address counts as IPv4). */
    public boolean allows(InetAddress client) {
        if (everyone) {
            return true;
        }
        if (client == null) {
            return false;
        }
        byte[] a = client.getAddress();
        if (a.length == 16 && isV4Mapped(a)) {
            byte[] v4 = new byte[4];
            System.arraycopy(a, 12, v4, 0, 4);
            a = v4;
        }
        for (Block b : blocks) {
            if (b.matches(a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    /** The address bytes of a literal IPv4 or IPv6 address, or null for anything else (never a lookup). */
    private static byte[] literal(String s) {
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String octet : s.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null; // else the JDK would take it for a host name and look it up
                }
            }
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
