/**
 * Helpers protocols keep needing, so they need not write them again: HTML forms parsed as they
 * stream in ({@link org.lws4j.api.util.FormParser}, lws's {@code lws-spa}: urlencoded and
 * multipart/form-data, fields and file parts piece by piece in bounded memory, over
 * {@link org.lws4j.api.util.MultipartParser} and {@link org.lws4j.api.util.UrlEncodedParser}),
 * percent-decoding ({@link org.lws4j.api.util.PercentEncoding}, lws's {@code lws_urldecode}),
 * HTML escaping ({@link org.lws4j.api.util.Html}), and a bounded send queue that pauses reading
 * while it is full ({@link org.lws4j.api.util.SendQueue}).
 *
 * <p>Plain classes with no state shared between connections: use each on its connection's
 * service thread. Versioned on its own; it depends on {@code org.lws4j.api} only.
 */
@Version("1.0.0")
@Export
package org.lws4j.api.util;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
