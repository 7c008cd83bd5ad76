package org.lws4j.spi.fileops;

import org.lws4j.api.Vhost;

import java.io.IOException;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * File operations: the Java form of lws's {@code lws_plat_file_ops}. FILE mounts open what they
 * serve through them, and so can protocols ({@link Vhost#fileOps()}).
 *
 * <p>The core provides the platform's ops. Providers register more as OSGi services with a path
 * signature ({@value #SIGNATURE}, e.g. {@code ".zip/"}): a path containing the signature is opened
 * by that provider, which reads the container through {@code below} (the next layer, in the end
 * the platform's), so layers stack. A provider that appears is used by the next open; one that
 * goes away is not used again, and files already open through it stay open until closed.
 *
 * <p>Thread-safe; a handle is used by one thread at a time.
 */
@ConsumerType
public interface FileOps {
    /** Service property: the path signature a provider handles, e.g. {@code ".zip/"}. */
    String SIGNATURE = "lws.fops.signature";

    /**
     * Opens {@code path} for reading.
     *
     * @param path an absolute path; for layered providers it runs through the container, e.g.
     *     {@code /srv/www/book.zip/chapter1.html}
     * @param flags what the caller can take, e.g. {@link FileFlag#GZIP_ACCEPTABLE}
     * @param below the ops to read containers and anything this provider does not handle
     * @throws java.nio.file.NoSuchFileException when there is no such file
     */
    FileHandle open(String path, Set<FileFlag> flags, FileOps below) throws IOException;
}
