package org.lws4j.protocol.postdemo;

import static org.lws4j.api.util.Html.escape;

/**
 * The demo's two HTML pages: the forms (GET) and the result of a POST. Everything that came from
 * the request is escaped.
 */
final class FormPages {
    /** The text of the form page's first {@code <h1>}; tests look for it. */
    static final String FORM_HEADING = "lws4j POST demo";
    /** The text of the result page's first {@code <h1>}. */
    static final String RESULT_HEADING = "Form results";

    private static final String STYLE = String.join("\n",
            ":root{color-scheme:light dark;--fg:#1b1f24;--bg:#f6f7f9;--card:#fff;--line:#d6dae0;--accent:#0b6bcb}",
            "@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--bg:#14171b;--card:#1c2026;--line:#323843;--accent:#6cb0ff}}",
            "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:var(--fg);background:var(--bg)}",
            "main{max-width:52rem;margin:2rem auto;padding:0 1rem}",
            "form,table{background:var(--card);border:1px solid var(--line);margin:0 0 1.5rem}",
            "form{padding:1rem}label{display:block;font-weight:600;margin:.5rem 0 .2rem}",
            "input[type=text],textarea{width:100%;box-sizing:border-box;font:inherit;padding:.3rem}",
            "button{margin-top:.8rem;font:inherit;padding:.3rem .9rem}",
            "table{border-collapse:collapse;width:100%}",
            "th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}",
            "code{font:0.95em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
            "a{color:var(--accent)}");

    private FormPages() {
    }

    /** The page GET answers with: an urlencoded form and a multipart upload form, posting to {@code action}. */
    static String form(String action) {
        String a = escape(action);
        return head(FORM_HEADING)
                + "<p>Both forms post to <code>" + a + "</code>, where <code>" + PostDemoProtocol.NAME
                + "</code> parses the body as it arrives and answers with what it found. Uploads are counted"
                + " and hashed as they stream in, never stored; more than " + FormSubmission.UPLOAD_LIMIT / 1024
                + "&nbsp;KiB of them gets <code>413</code> at once.</p>\n"
                + "<h2>URL-encoded</h2>\n"
                + "<form method=\"post\" action=\"" + a + "\" enctype=\"application/x-www-form-urlencoded\">\n"
                + "<label for=\"u-text\">text</label><input id=\"u-text\" type=\"text\" name=\"text\" value=\"Hello\">\n"
                + "<label for=\"u-more\">more</label><textarea id=\"u-more\" name=\"more\" rows=\"3\">"
                + "&lt;b&gt;escaped&lt;/b&gt; &amp; kept</textarea>\n"
                + "<button type=\"submit\" name=\"send\" value=\"send\">Send</button>\n</form>\n"
                + "<h2>Multipart, with a file</h2>\n"
                + "<form method=\"post\" action=\"" + a + "\" enctype=\"multipart/form-data\">\n"
                + "<label for=\"m-text\">text</label><input id=\"m-text\" type=\"text\" name=\"text\" value=\"Hello\">\n"
                + "<label for=\"m-file\">file</label><input id=\"m-file\" type=\"file\" name=\"file\">\n"
                + "<button type=\"submit\" name=\"upload\" value=\"upload\">Upload</button>\n</form>\n"
                + tail();
    }

    /** The page a complete POST is answered with. */
    static String result(FormSubmission s) {
        StringBuilder out = new StringBuilder(head(RESULT_HEADING));
        out.append("<p>").append(escape(s.encoding())).append(", ").append(s.received())
                .append(s.received() == 1 ? " byte" : " bytes").append(".</p>\n");
        out.append("<h2>Fields</h2>\n");
        if (s.fields().isEmpty()) {
            out.append("<p><em>none</em></p>\n");
        } else {
            out.append("<table class=\"fields\">\n<tr><th>Name</th><th>Length</th><th>Value</th></tr>\n");
            for (FormSubmission.Field f : s.fields()) {
                out.append("<tr><td><code>").append(escape(f.name())).append("</code></td><td>")
                        .append(f.value().length()).append("</td><td><code>").append(escape(f.value()))
                        .append("</code></td></tr>\n");
            }
            out.append("</table>\n");
        }
        out.append("<h2>Uploads</h2>\n");
        if (s.uploads().isEmpty()) {
            out.append("<p><em>none</em></p>\n");
        } else {
            out.append("<table class=\"uploads\">\n<tr><th>Field</th><th>File name</th><th>Type</th>"
                    + "<th>Size</th><th>SHA-256</th></tr>\n");
            for (FormSubmission.Upload u : s.uploads()) {
                out.append("<tr><td><code>").append(escape(u.field())).append("</code></td><td><code>")
                        .append(escape(u.filename())).append("</code></td><td>")
                        .append(u.contentType() == null ? "<em>none</em>" : "<code>" + escape(u.contentType()) + "</code>")
                        .append("</td><td>").append(u.size()).append(" bytes</td><td><code>").append(u.sha256())
                        .append("</code></td></tr>\n");
            }
            out.append("</table>\n");
        }
        return out.append(tail()).toString();
    }

    private static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + title + "</title>\n<style>\n" + STYLE + "\n</style>\n</head>\n<body>\n<main>\n"
                + "<h1>" + title + "</h1>\n";
    }

    private static String tail() {
        return "<p><a href=\"/\">Back to the test server</a></p>\n</main>\n</body>\n</html>\n";
    }
}
