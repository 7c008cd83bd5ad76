package org.lws4j.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Declares a Declarative Services component's protocol name in one line:
 * {@code @ProtocolName("dumb-increment-protocol")} sets the service property {@value Protocol#NAME}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@ProviderType
public @interface ProtocolName {
    /** Prefix DS puts before the property name derived from this annotation's name. */
    String PREFIX_ = "lws.";

    /** The protocol name. */
    String value();
}
