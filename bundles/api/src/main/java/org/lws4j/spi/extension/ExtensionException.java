package org.lws4j.spi.extension;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An extension could not transform a message: the connection is failed with {@link #closeCode()}
 * (1009 for a message that inflates past the limit, 1007 for data that does not decode, ...).
 */
@ProviderType
public class ExtensionException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int closeCode;

    public ExtensionException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
