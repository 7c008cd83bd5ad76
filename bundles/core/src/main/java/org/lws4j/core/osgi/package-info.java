/**
 * The core in an OSGi framework: the DS components that run the context, feed it services and
 * vhosts (bundle headers, ConfigAdmin factory configurations) and give the shell its commands.
 *
 * <p>The {@link org.lws4j.api.Context} service is registered from code (once the context runs),
 * not by a DS component, so bnd cannot see it: the capability below says so, which lets
 * resolvers (Karaf's features resolver, bnd's) satisfy the bundles that require the service.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.lws4j.api.Context",
        uses = org.lws4j.api.Context.class)
package org.lws4j.core.osgi;

import org.osgi.annotation.bundle.Capability;
