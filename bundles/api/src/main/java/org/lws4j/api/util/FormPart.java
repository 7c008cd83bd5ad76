package org.lws4j.api.util;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A part of a {@code multipart/form-data} body, from its headers: the field name, the file name
 * for an upload (null for a plain field) and its Content-Type (null when absent).
 *
 * @param name the field name (Content-Disposition's {@code name})
 * @param filename the file name of an upload, or null
 * @param contentType the part's Content-Type, or null
 */
@ProviderType
public record FormPart(String name, String filename, String contentType) {
    /** True for an upload (a part with a file name). */
    public boolean isFile() {
        return filename != null;
    }
}
