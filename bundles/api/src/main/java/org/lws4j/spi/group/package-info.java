/**
 * Group brokers: carry the messages of broadcast groups between lws4j nodes through an existing
 * broker (Redis pub/sub, NATS), so that a group spans several nodes behind a load balancer. The
 * core's groups deliver locally on their own; a {@link org.lws4j.spi.group.GroupBroker} service,
 * when one is registered, adds the other nodes.
 */
@Version("1.0.0")
@Export
package org.lws4j.spi.group;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
