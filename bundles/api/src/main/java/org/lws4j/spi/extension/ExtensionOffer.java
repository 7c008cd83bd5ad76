package org.lws4j.spi.extension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 section 9.1): an extension
 * name and its parameters in order, e.g. {@code permessage-deflate; client_max_window_bits}. A
 * parameter without a value maps to null. Immutable.
 */
@ProviderType
public final class ExtensionOffer {
    private final String name;
    private final Map<String, String> params;
    private final boolean wellFormed;

    public ExtensionOffer(String name, Map<String, String> params) {
        this(name, params, true);
    }

    private ExtensionOffer(String name, Map<String, String> params, boolean wellFormed) {
        this.name = name;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.wellFormed = wellFormed;
    }

    /**
     * False when the offer named a parameter twice: RFC 7692 section 7 says such an offer is
     * declined (the core does not pass it to the extension), not the whole handshake.
     */
    public boolean wellFormed() {
        return wellFormed;
    }

    public String name() {
        return name;
    }

    /** The parameters in order; a parameter given without a value maps to null. */
    public Map<String, String> params() {
        return params;
    }

    public boolean has(String param) {
        return params.containsKey(param);
    }

    /**
     * Parses every element of the header values, in order.
     *
     * @throws IllegalArgumentException when a value is not of the header's grammar
     */
    public static List<ExtensionOffer> parse(List<String> headerValues) {
        List<ExtensionOffer> out = new ArrayList<>();
        for (String value : headerValues) {
            for (String element : split(value, ',')) {
                if (element.isBlank()) {
                    continue;
                }
                List<String> parts = split(element, ';');
                String n = parts.get(0).trim();
                if (!isToken(n)) {
                    throw new IllegalArgumentException("bad extension name: " + n);
                }
                Map<String, String> p = new LinkedHashMap<>();
                boolean twice = false;
                for (int i = 1; i < parts.size(); i++) {
                    String param = parts.get(i).trim();
                    int eq = param.indexOf('=');
                    String k = (eq < 0 ? param : param.substring(0, eq)).trim();
                    String v = eq < 0 ? null : param.substring(eq + 1).trim();
                    if (v != null && v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    if (!isToken(k) || (v != null && !isToken(v))) {
                        throw new IllegalArgumentException("bad extension parameter: " + param);
                    }
                    twice |= p.containsKey(k);
                    p.put(k, v);
                }
                out.add(new ExtensionOffer(n, p, !twice));
            }
        }
        return out;
    }

    /** The header form, e.g. {@code permessage-deflate; server_no_context_takeover}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name);
        for (Map.Entry<String, String> e : params.entrySet()) {
            b.append("; ").append(e.getKey());
            if (e.getValue() != null) {
                b.append('=').append(e.getValue());
            }
        }
        return b.toString();
    }

    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
