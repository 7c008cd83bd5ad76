package org.lws4j.spi.fileops;

import org.osgi.annotation.versioning.ProviderType;

/** lws's {@code LWS_FOP_FLAG_*}: what a caller can take, and what a handle is. */
@ProviderType
public enum FileFlag {
    /** In: the caller can send gzip-encoded content as it is (the client sent Accept-Encoding: gzip). */
    GZIP_ACCEPTABLE,
    /** Out: the handle's bytes are a gzip stream of the file; send them with Content-Encoding: gzip. */
    GZIP,
    /** Out: {@link FileHandle#modified()} is valid. */
    MOD_TIME_VALID,
    /** Out: no platform file backs the handle (a name space of the provider's own). */
    VIRTUAL
}
