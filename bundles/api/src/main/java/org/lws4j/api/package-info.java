/**
 * The lws4j API: the only package protocol, extension and plug-in bundles compile against.
 *
 * <p>The vocabulary is libwebsockets': a {@link org.lws4j.api.Context} owns service threads and
 * {@link org.lws4j.api.Vhost vhosts}; a vhost offers {@link org.lws4j.api.Protocol protocols}
 * (found by name in the OSGi service registry, bound and unbound live) and
 * {@link org.lws4j.api.Mount mounts}; a {@link org.lws4j.api.Connection} is lws's {@code wsi}.
 *
 * <p><b>Threading.</b> Every callback of a connection runs on that connection's service thread,
 * one at a time. Methods of {@code Connection} may only be called on that thread, except those
 * documented as thread-safe ({@link org.lws4j.api.Connection#execute(Runnable)}); other threads
 * reach a connection through {@code execute}, {@link org.lws4j.api.VhostProtocol#requestWriteableAll()}
 * and the other methods marked thread-safe.
 */
@Version("1.2.0")
@Export
package org.lws4j.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
