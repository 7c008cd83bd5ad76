package org.lws4j.spi.tls;

import org.osgi.annotation.versioning.ProviderType;

/** A TLS setting that cannot be used: which vhost, which option, and why. */
@ProviderType
public class TlsConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String vhost;
    private final String option;

    public TlsConfigException(String vhost, String option, String message, Throwable cause) {
        super((vhost == null ? "" : "vhost " + vhost + ": ") + (option == null ? "" : option + ": ") + message, cause);
        this.vhost = vhost;
        this.option = option;
    }

    /** The vhost at fault, or null. */
    public String vhost() {
        return vhost;
    }

    /** The config key at fault, or null. */
    public String option() {
        return option;
    }
}
