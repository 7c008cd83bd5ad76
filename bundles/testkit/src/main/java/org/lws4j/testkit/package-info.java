/**
 * The lws4j test kit: runs a {@link org.lws4j.api.Protocol} against in-memory connections, the way
 * Netty's EmbeddedChannel and Jetty's ByteArrayEndPoint run a pipeline without a socket.
 *
 * <p>A {@link org.lws4j.testkit.TestContext} stands in for the core. Its vhosts bind protocols
 * (PROTOCOL_INIT with their pvo), and open WebSockets ({@link org.lws4j.testkit.TestWebSocket}),
 * HTTP exchanges ({@link org.lws4j.testkit.TestExchange}) and raw connections
 * ({@link org.lws4j.testkit.TestRaw}) whose other end the test plays: it sends messages and
 * request bodies, lets the socket drain (the only way a WRITEABLE callback comes), advances a
 * virtual clock (timers and timed callbacks), runs what other threads queued, and reads back what
 * the protocol wrote, decoded: frames and messages, close codes, the HTTP response as a client
 * sees it.
 *
 * <p>The kit keeps the core's rules, so a protocol that passes here behaves the same on the wire:
 * callbacks in the order the core makes them, message data in pieces of at most the protocol's rx
 * buffer size with first/final/remaining as the core gives them, writes only in the role's
 * WRITEABLE callback (elsewhere they throw as the core's do), rx flow control that holds data and
 * delivers it in order on resuming, request headers gone after ESTABLISHED, an exception from a
 * callback closing the connection.
 *
 * <p><b>Threads.</b> None of its own. The thread that makes the {@code TestContext} is the
 * service thread: every callback runs on it, during the test's calls. Work another thread hands
 * in ({@link org.lws4j.api.Connection#execute}, {@code requestWriteableAll}, ...) waits until the
 * test calls {@link org.lws4j.testkit.TestContext#runTasks()}; work the protocol hands in from a
 * callback runs when that callback's turn ends, as the core runs it in the loop's next turn; work
 * the test itself hands in between turns runs at once.
 */
@Version("1.0.0")
@Export
package org.lws4j.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
