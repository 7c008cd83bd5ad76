package org.lws4j.protocol.dynamic;

import static org.lws4j.api.util.Html.escape;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.util.PercentEncoding;

/**
 * The HTML page {@link DynamicProtocol} answers with. Everything that came from the request is
 * escaped ({@code Html.escape} of the API); the values of headers that carry credentials are not
 * shown at all.
 */
final class DynamicPage {
    /** The text of the page's first {@code <h1>}; tests look for it. */
    static final String HEADING = "lws4j dynamic content";

    private static final Set<String> SECRET_HEADERS =
            Set.of("authorization", "proxy-authorization", "cookie");

    private static final String STYLE = String.join("\n",
            ":root{color-scheme:light dark;--fg:#1b1f24;--bg:#f6f7f9;--card:#fff;--line:#d6dae0;--accent:#0b6bcb}",
            "@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--bg:#14171b;--card:#1c2026;--line:#323843;--accent:#6cb0ff}}",
            "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:var(--fg);background:var(--bg)}",
            "main{max-width:52rem;margin:2rem auto;padding:0 1rem}",
            "table{border-collapse:collapse;width:100%;background:var(--card);margin:0 0 1.5rem}",
            "th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}",
            "th{width:12rem;font-weight:600}",
            "code{font:0.95em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
            "ul{margin:0;padding-left:1.2rem}",
            "a{color:var(--accent)}");

    private DynamicPage() {
    }

    /**
     * Builds the page.
     *
     * @param request the request being answered
     * @param peer the peer's address, or null if unknown
     * @param now the server time to show
     * @param bodyLength the request body's length, or -1 for a request without one
     */
    static String render(HttpRequest request, InetSocketAddress peer, Instant now, long bodyLength) {
        StringBuilder out = new StringBuilder(4096);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(HEADING).append("</title>\n")
                .append("<style>\n").append(STYLE).append("\n</style>\n</head>\n<body>\n<main>\n")
                .append("<h1>").append(HEADING).append("</h1>\n")
                .append("<p>This page was built for your request by the <code>")
                .append(DynamicProtocol.NAME)
                .append("</code> protocol and written in pieces of at most ")
                .append(DynamicProtocol.PIECE).append(" bytes.</p>\n");

        out.append("<table>\n<caption hidden>The request</caption>\n");
        row(out, "Method", code(request.method()));
        row(out, "Path", code(request.path()));
        row(out, "Path in mount", code(request.pathInMount()));
        row(out, "Query arguments", queryArgs(request.query()));
        row(out, "Host", code(request.header("Host")));
        String time = DateTimeFormatter.ISO_OFFSET_DATE_TIME
                .format(now.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
        row(out, "Server time", "<time datetime=\"" + time + "\">" + time + "</time>");
        row(out, "Peer", code(peer == null ? null : peerText(peer)));
        if (bodyLength >= 0) {
            row(out, "Request body", bodyLength + (bodyLength == 1 ? " byte" : " bytes"));
        }
        out.append("</table>\n");

        out.append("<h2>Request headers</h2>\n<table>\n<caption hidden>Request headers</caption>\n");
        for (String name : request.headerNames()) {
            row(out, escape(name), headerValues(name, request.headers(name)));
        }
        out.append("</table>\n");

        out.append("<p><a href=\"/\">Back to the test server</a></p>\n</main>\n</body>\n</html>\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String escapedName, String html) {
        out.append("<tr><th scope=\"row\">").append(escapedName).append("</th><td>")
                .append(html).append("</td></tr>\n");
    }

    private static String code(String value) {
        return value == null ? "<em>none</em>" : "<code>" + escape(value) + "</code>";
    }

    private static String queryArgs(String rawQuery) {
        List<Map.Entry<String, String>> args = PercentEncoding.queryArgs(rawQuery);
        if (args.isEmpty()) {
            return "<em>none</em>";
        }
        StringBuilder out = new StringBuilder("<ul>");
        for (Map.Entry<String, String> arg : args) {
            out.append("<li><code>").append(escape(arg.getKey())).append("</code>");
            if (arg.getValue() != null) {
                out.append(" = <code>").append(escape(arg.getValue())).append("</code>");
            }
            out.append("</li>");
        }
        return out.append("</ul>").toString();
    }

    private static String headerValues(String name, List<String> values) {
        if (SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            return "<em>present, not shown</em>";
        }
        if (values.size() == 1) {
            return code(values.get(0));
        }
        StringBuilder out = new StringBuilder("<ul>");
        for (String value : values) {
            out.append("<li>").append(code(value)).append("</li>");
        }
        return out.append("</ul>").toString();
    }

    private static String peerText(InetSocketAddress peer) {
        String host = peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + peer.getPort();
    }
}
